"""The answer action, with rasa_sdk's own dispatcher and tracker (no model, no server)."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import SURE, ActionAnswerTopic
from actions.context import content_store

pytestmark = pytest.mark.asyncio(loop_scope="session")


def tracker(confidence: float, ranking: list[tuple[str, float]]) -> Tracker:
    message = {
        "text": "question",
        "intent": {"name": ranking[0][0], "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "metadata": {"language": "en", "region": "es-barcelona"},
        "entities": [],
    }
    return Tracker("someone", {}, message, [], False, None, {}, "action_listen")


async def run(confidence: float, ranking: list[tuple[str, float]]) -> tuple[list[dict], dict]:
    dispatcher = CollectingDispatcher()
    await ActionAnswerTopic().run(dispatcher, tracker(confidence, ranking), {})
    shown = [m for m in dispatcher.messages if m.get("text")]
    meta = next(m["custom"]["meta"] for m in dispatcher.messages if (m.get("custom") or {}).get("meta"))
    return shown, meta


def title(topic: str) -> str:
    content = content_store().current()
    return content.topic("es-barcelona", topic).translations["en"].title


async def test_an_unsure_answer_also_offers_the_next_likeliest_topics():
    ranking = [
        ("health.access", 0.5),
        ("health.emergency", 0.3),
        ("registration.municipal", 0.1),
        ("greet", 0.06),
        ("legal.aid", 0.01),
    ]
    shown, meta = await run(0.5, ranking)
    titles = [b["title"] for b in shown[-1]["buttons"]]
    assert meta["topic"] == "health.access"
    assert meta["suggestions"] == ["health.emergency", "registration.municipal"]  # topics only, >= 0.05
    assert titles[:2] == [title("health.emergency"), title("registration.municipal")]
    assert len(titles) == len(set(titles))


async def test_a_sure_answer_offers_only_its_related_topics():
    ranking = [("health.access", SURE), ("health.emergency", 0.2)]
    shown, meta = await run(SURE, ranking)
    related = content_store().current().topic("es-barcelona", "health.access").related
    assert meta["suggestions"] == []
    assert [b["title"] for b in shown[-1]["buttons"]][: len(related)] == [title(r) for r in related]
