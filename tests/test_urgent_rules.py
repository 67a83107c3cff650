"""Urgent signals (bot/content/urgent.py, content/urgent.yml): who is in danger now, and who only asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.load import check_content
from bot.content.urgent import matches, normalise, parse_urgent, urgent_topic
from bot.settings import REPO


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    content, problems = check_content(REPO / "content")
    assert not [p for p in problems if "urgent" in str(p)]
    return content.urgent


@pytest.mark.parametrize(
    "text, topic",
    [
        ("My boss locked me in and took my passport", "safety.trafficking"),
        ("he is beating me", "safety.violence"),
        ("HE HITS ME every night", "safety.violence"),
        ("my friend is not breathing", "health.emergency"),
        ("Mi jefe me encerró y me quitó el pasaporte", "safety.trafficking"),
        ("mi marido me pego ayer", "safety.violence"),
        ("ils m’ont enfermé dans la maison", "safety.trafficking"),
        ("زوجي يضربني كل يوم", "safety.violence"),
        ("นายจ้างขังฉันไว้ในห้อง", "safety.trafficking"),
        ("เพื่อน ไม่ หายใจ", "health.emergency"),  # spaces inside Thai words do not matter
        ("အလုပ်ရှင်က အပြင်ထွက်ခွင့်မပေးဘူး", "safety.trafficking"),
    ],
)
def test_someone_in_danger_is_urgent(rules, text: str, topic: str) -> None:
    assert urgent_topic(rules, text) == topic


@pytest.mark.parametrize(
    "text",
    [
        "what are the signs of human trafficking?",
        "¿cuáles son las señales de la trata de personas?",
        "can my employer keep my passport?",
        "how do I call an ambulance?",
        "my back hurts me",
        "white meat is cheap",
        "อาการของการค้ามนุษย์มีอะไรบ้าง",
        "အလုပ်ရှင်က ကျွန်တော့် ပတ်စပို့ကို သိမ်းထားတယ်",
    ],
)
def test_a_question_for_information_is_not_urgent(rules, text: str) -> None:
    assert urgent_topic(rules, text) is None


def test_the_detected_intent_is_preferred_when_several_topics_match(rules) -> None:
    text = "he locked me in and he is beating me"
    assert urgent_topic(rules, text, prefer="safety.violence") == "safety.violence"
    assert urgent_topic(rules, text, prefer="safety.trafficking") == "safety.trafficking"


def test_signal_syntax() -> None:
    assert matches("took + passport", normalise("They took away my PASSPORT"))
    assert not matches("took + passport", normalise("they took my phone"))
    assert matches("beat* me", normalise("he keeps beating me"))
    assert not matches("hit me", normalise("white meat"))
    assert matches("me pegó", normalise("ME PEGO"))  # accents and case do not matter


def test_problems_name_the_field_and_the_fix(tmp_path: Path) -> None:
    problems: list[tuple[object, ...]] = []
    data = {"no.such.topic": {"en": ["x"]}, "safety.violence": {"xx": ["y"], "en": "not a list"}}
    rules = parse_urgent(data, ["safety.violence"], ["en", "es"], lambda *p: problems.append(p))
    assert rules == {"safety.violence": {}}
    messages = [(keys, severity) for keys, _message, _fix, severity in problems]
    assert messages == [
        (("no.such.topic",), "error"),
        (("safety.violence", "xx"), "error"),
        (("safety.violence", "en"), "error"),
        (("safety.violence",), "warning"),
    ]
