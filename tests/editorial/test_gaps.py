"""`content gaps`: unanswered questions grouped by language and nearest topic, most frequent first."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from bot.editorial.gaps import group_questions, render_csv, render_html
from bot.storage.db import Database
from bot.storage.feedback import Question, add_question
from tests.helpers.editing import Bot

DAY = dt.date(2026, 11, 20)


def q(text: str, lang: str, topic: str, reason: str = "fallback", day: dt.date = DAY) -> Question:
    return Question(text, lang, "es-barcelona", topic, reason, day)


QUESTIONS = [
    q("how much is the padrón", "en", "registration.municipal"),
    q("dónde renuevo la tarjeta", "es", "health.card", "low_confidence"),
    q("كيف أجد عملا", "ar", "work.rights"),
    q("dónde renuevo la tarjeta", "es", "health.card", "not_helpful", DAY + dt.timedelta(days=2)),
    q("tarjeta sanitaria caducada", "es", "health.card"),
    q("كيف أجد عملا", "ar", "work.rights"),
    q("asdf", "en", ""),
]


def test_groups_are_by_language_and_topic_most_frequent_first() -> None:
    groups = group_questions(QUESTIONS)
    assert [(g.language, g.nearest_topic, g.count) for g in groups] == [
        ("es", "health.card", 3),
        ("ar", "work.rights", 2),
        ("en", "(none)", 1),
        ("en", "registration.municipal", 1),
    ]
    assert groups[0].texts() == ["dónde renuevo la tarjeta (×2)", "tarjeta sanitaria caducada"]
    assert dict(groups[0].reasons) == {"low_confidence": 1, "not_helpful": 1, "fallback": 1}


def test_csv_has_one_row_per_group_in_order() -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(group_questions(QUESTIONS)))))
    assert [(r["language"], r["nearest_topic"], r["count"]) for r in rows][:2] == [
        ("es", "health.card", "3"),
        ("ar", "work.rights", "2"),
    ]
    first = rows[0]
    assert (first["fallback"], first["low_confidence"], first["not_helpful"]) == ("1", "1", "1")
    assert (first["first_day"], first["last_day"]) == ("2026-11-20", "2026-11-22")
    assert first["questions"] == "dónde renuevo la tarjeta (×2) | tarjeta sanitaria caducada"


def test_html_lists_the_groups_in_order_with_their_script_direction() -> None:
    page = render_html(group_questions(QUESTIONS), DAY, since=DAY)
    assert page.startswith("<!DOCTYPE html>") and "since 2026-11-20" in page
    order = [
        page.index(f'data-lang="{lang}" data-topic="{topic}"')
        for lang, topic in (("es", "health.card"), ("ar", "work.rights"), ("en", "(none)"))
    ]
    assert order == sorted(order)
    assert '<li dir="auto">كيف أجد عملا (×2)</li>' in page
    assert "No unanswered questions" in render_html([], DAY)


def test_gaps_command_reads_the_database(bot: Bot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    db = Database(url)
    db.migrate()

    async def fill() -> None:
        for question in QUESTIONS:
            await add_question(
                db, question.text, question.language, question.region, question.nearest_topic, question.reason
            )

    asyncio.run(fill())
    db.close()
    monkeypatch.setenv("DATABASE_URL", url)
    result = bot("content", "gaps", "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("language,nearest_topic,count")
    assert lines[1].startswith("es,health.card,3,")
    out = tmp_path / "gaps.html"
    result = bot("content", "gaps", "--since", dt.date.today().isoformat(), "--format", "html", "--output", str(out))
    assert result.returncode == 0 and "4 groups, 7 questions" in result.stdout, result.stdout + result.stderr
    assert "tarjeta sanitaria caducada" in out.read_text(encoding="utf-8")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert bot("content", "gaps", "--since", tomorrow).stdout.strip().count("\n") == 0  # the header only
    assert bot("content", "gaps", "--since", "yesterday").returncode == 2
