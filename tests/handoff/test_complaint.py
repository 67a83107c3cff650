"""The complaint flow end to end: three questions one at a time, then a reference number and a complaint case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from bot.privacy.pseudonym import pseudonym
from bot.storage.models import utcnow
from bot.telegram.core.callback_data import COMPLAINT_CANCEL as CANCEL
from bot.telegram.core.render import escape
from tests.helpers.forum import ForumBotApi
from tests.helpers.handoff import text_of
from tests.helpers.telegram import SECRET, Person, buttons

pytestmark = pytest.mark.asyncio(loop_scope="session")

COMPLAINT = "quiero poner una queja contra el centro de salud, me trataron mal"
ANSWERS = ("el centro de salud", "Raval, Barcelona", "no me quisieron atender sin la tarjeta sanitaria")


def rows(app: Any, table: str) -> list[Any]:
    with app.bot_data["services"].storage.db.engine.connect() as conn:
        return list(conn.execute(sa.text(f"SELECT * FROM {table}")).mappings())


def question(content: Any, string_id: str) -> str:
    return text_of(content, "es", string_id)


async def test_a_complaint_gets_a_reference_and_a_complaint_case(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 7001, "es")
    me = pseudonym(SECRET, 7001)
    async with handoff_bot() as app:
        [first] = await person.say(COMPLAINT)
        assert first["text"] == escape(
            content.text("es", "complaint.start") + "\n\n" + content.text("es", "complaint.ask.service")
        )
        assert [b["callback_data"] for b in buttons(first)] == [CANCEL]

        [second] = await person.say(ANSWERS[0])
        assert second["text"] == question(content, "complaint.ask.place") and buttons(second)
        [third] = await person.say(ANSWERS[1])
        assert third["text"] == question(content, "complaint.ask.story") and buttons(third)
        since = forum_api.mark()
        waiting, done = await person.say(ANSWERS[2], count=2)
        assert done["text"] == text_of(content, "es", "complaint.done", reference="#1")
        assert waiting["text"]  # what happens next, from bot/telegram/handoff/relay.py

        [topic] = forum_api.topics(since)
        assert topic["name"].startswith("#1 · es") and "complaint" in topic["name"].lower()
        summary = text_of(
            content,
            "en",
            "complaint.staff.summary",
            reference="#1",
            service=ANSWERS[0],
            place=ANSWERS[1],
            story=ANSWERS[2],
        )
        in_topic = await forum_api.wait_in_topic(topic["message_thread_id"], since, 2)
        assert summary in [m["text"] for m in in_topic]
        [case] = rows(app, "cases")
        assert (case["kind"], case["topic"], case["language"]) == ("complaint", "services.complaint", "es")
        assert rows(app, "complaint_drafts") == []
        said = [e.get("text") for e in await assistant.client.events(me) if e.get("event") == "user"]
        assert COMPLAINT in said and not set(ANSWERS) & set(said)  # the answers never reached Rasa


async def test_the_flow_survives_a_restart(handoff_bot, forum_api: ForumBotApi, assistant, database_url):
    content = assistant.store.current()
    person = Person(forum_api, 7002, "es")
    async with handoff_bot(database_url=database_url):
        await person.say(COMPLAINT)
        [second] = await person.say(ANSWERS[0])
        assert second["text"] == question(content, "complaint.ask.place")
    async with handoff_bot(database_url=database_url) as app:  # another process: the progress is in the database
        [third] = await person.say(ANSWERS[1])
        assert third["text"] == question(content, "complaint.ask.story")
        [draft] = rows(app, "complaint_drafts")
        assert draft["language"] == "es" and ANSWERS[1] in draft["answers"]


async def test_cancel_sends_nothing_and_the_assistant_answers_again(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 7003, "es")
    async with handoff_bot() as app:
        [first] = await person.say(COMPLAINT)
        [second] = await person.say(ANSWERS[0])
        [cancelled] = await person.press(second, CANCEL)
        assert cancelled["text"] == question(content, "complaint.cancelled")
        assert rows(app, "complaint_drafts") == []
        answer = await person.say("¿cómo me empadrono en Barcelona?")
        assert answer[0]["text"] != question(content, "complaint.ask.place")
        assert forum_api.topics() == [] and rows(app, "cases") == []


async def test_forget_and_retention_delete_the_draft(handoff_bot, forum_api: ForumBotApi, assistant):
    person = Person(forum_api, 7004, "es")
    async with handoff_bot() as app:
        db = app.bot_data["services"].storage.db
        await person.say(COMPLAINT)
        assert len(rows(app, "complaint_drafts")) == 1
        await db.forget(pseudonym(SECRET, 7004))  # what /forget does: the user row, and with it the draft
        assert rows(app, "complaint_drafts") == []

        await person.say(COMPLAINT)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE complaint_drafts SET last_seen = :old"),
                {"old": (utcnow() - timedelta(days=100)).replace(tzinfo=None)},
            )
        assert (await db.purge(90))["complaint_drafts"] == 1
        assert rows(app, "complaint_drafts") == []


async def test_danger_during_a_complaint_gets_the_emergency_numbers(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 7005, "es")
    async with handoff_bot() as app:
        await person.say(COMPLAINT)
        numbers, _waiting = await person.say("mi marido me pega, ayuda", count=2)
        assert numbers["text"].startswith(text_of(content, "es", "handoff.urgent.call_now", number="112"))
        [case] = rows(app, "cases")
        assert case["kind"] == "urgent" and rows(app, "complaint_drafts") == []
