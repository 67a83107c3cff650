"""Answer feedback and unanswered questions end to end over the fake Bot API, stored in the bot's database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.storage.db import sqlite_url
from bot.telegram.core.callback_data import FEEDBACK_PREFIX as PREFIX
from bot.telegram.core.render import escape
from bot.telegram.features.feedback import feedback_payload
from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.telegram import Person, buttons

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Said to the bot; each is tried until one ends in "did you mean" (the model decides).
VAGUE = [
    "i have a question, Ahmed, 612345678",
    "bla bla, Ahmed, X1234567L",
    "hmm 612345678 ana.lopez@mail.com",
    "X1234567L",
    "ana.lopez@mail.com",
]
PLACEHOLDERS = {"Ahmed": "<name>", "612345678": "<number>", "X1234567L": "<doc>", "ana.lopez@mail.com": "<email>"}


def table(tmp_path: Path, name: str) -> list[dict[str, Any]]:
    """Every row of a table in the bot's database (the telegram fixture's SQLite file)."""
    engine = sa.create_engine(sqlite_url(tmp_path), future=True)
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.text(f"SELECT * FROM {name}")).mappings()]
    finally:
        engine.dispose()


async def press_and_wait(api: FakeBotApi, person: Person, message: dict[str, Any], data: str) -> str:
    """Press a feedback button; wait until the bot removed the row; return the answerCallbackQuery text."""
    since = api.mark()
    query_id = api.press(person.user, message, data)
    await api.wait_for(lambda calls: [c for c in calls[since:] if c.method == "editmessagereplymarkup"])
    [answered] = [c for c in api.called("answerCallbackQuery", since) if c.params["callback_query_id"] == query_id]
    return str(answered.params.get("text"))


async def test_a_thumbs_down_stores_feedback_and_the_question(telegram, assistant, tmp_path: Path):
    content = assistant.store.current()
    person = Person(telegram, 5001, "en")
    answer = await person.say("How do I register at the town hall? Ahmed, ahmed.k@gmail.com")
    last = answer[-1]
    rows = last["reply_markup"]["inline_keyboard"]
    topic = rows[-1][1]["callback_data"].split(":", 3)[3]
    assert topic in content.topic_ids
    assert [(b["text"], b["callback_data"]) for b in rows[-1]] == [
        (content.text("en", "telegram.feedback.helpful"), feedback_payload(True, "en", topic)),
        (content.text("en", "telegram.feedback.not_helpful"), feedback_payload(False, "en", topic)),
    ]

    thanks = await press_and_wait(telegram, person, last, feedback_payload(False, "en", topic))
    assert thanks == content.text("en", "telegram.feedback.thanks")
    [edit] = telegram.called("editMessageReplyMarkup")[-1:]
    assert not any(b["callback_data"].startswith(PREFIX) for b in buttons(edit.params))  # one vote per answer
    assert buttons(edit.params)  # the answer's other buttons stay
    [vote] = table(tmp_path, "answer_feedback")
    assert (vote["topic"], vote["language"], vote["region"], bool(vote["helpful"])) == (
        topic,
        "en",
        "es-barcelona",
        False,
    )
    assert set(vote) == {"id", "topic", "language", "region", "helpful", "last_seen"}  # nobody's id
    gaps = table(tmp_path, "unanswered_questions")  # once: as not helpful, or already as low confidence
    assert [(g["language"], g["nearest_topic"]) for g in gaps] == [("en", topic)]
    assert gaps[0]["reason"] in ("not_helpful", "low_confidence")
    assert "ahmed.k@gmail.com" not in gaps[0]["text"] and "Ahmed" not in gaps[0]["text"]
    assert gaps[0]["text"].startswith("How do I register at the town hall?")


async def test_a_thumbs_up_is_stored_as_helpful(telegram, assistant, tmp_path: Path):
    person = Person(telegram, 5002, "en")
    answer = await person.say("how do i register at the town hall")
    helpful = [b["callback_data"] for b in buttons(answer[-1]) if b["callback_data"].startswith(f"{PREFIX}1:")]
    assert len(helpful) == 1
    await press_and_wait(telegram, person, answer[-1], helpful[0])
    assert [bool(v["helpful"]) for v in table(tmp_path, "answer_feedback")] == [True]
    assert not [g for g in table(tmp_path, "unanswered_questions") if g["reason"] == "not_helpful"]


async def test_a_forged_vote_on_a_topic_we_do_not_have_is_not_stored(telegram, assistant, tmp_path: Path):
    person = Person(telegram, 5004, "en")
    answer = await person.say("how do i register at the town hall")
    since = telegram.mark()
    query_id = telegram.press(person.user, answer[-1], f"{PREFIX}0:en:'); DROP TABLE users; --")
    await telegram.wait_for(lambda _: telegram.called("answerCallbackQuery", since))
    [answered] = telegram.called("answerCallbackQuery", since)
    assert answered.params["callback_query_id"] == query_id and not answered.params.get("text")  # no thanks
    assert table(tmp_path, "answer_feedback") == []
    assert not telegram.called("editMessageReplyMarkup", since)  # the real vote buttons stay


async def test_a_fallback_message_is_stored_scrubbed(telegram, assistant, tmp_path: Path):
    content = assistant.store.current()
    person = Person(telegram, 5003, "en")
    await person.say("/start")
    for text in VAGUE:
        reply = await person.say(text)
        if reply[0]["text"].startswith(escape(content.text("en", "fallback.did_you_mean"))):
            break
    else:
        pytest.fail("none of the vague messages ended in the fallback")
    assert not any(b["callback_data"].startswith(PREFIX) for b in buttons(reply[-1]))  # no 👍 👎 on "did you mean"
    [gap] = [g for g in table(tmp_path, "unanswered_questions") if g["reason"] == "fallback"]
    assert gap["language"] == "en" and gap["region"] == "es-barcelona"
    suggested = [b["callback_data"].lstrip("/") for b in buttons(reply[-1])]
    assert gap["nearest_topic"] == suggested[0] and gap["nearest_topic"] in content.topic_ids
    for secret, placeholder in PLACEHOLDERS.items():
        assert secret not in gap["text"], gap["text"]
        assert (placeholder in gap["text"]) == (secret in text), (text, gap["text"])
