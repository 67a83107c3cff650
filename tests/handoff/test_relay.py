"""The handoff end to end through the fake Bot API: a private chat and the staff supergroup's forum topics."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import sqlalchemy as sa

from bot.answers import HUMAN_PAYLOAD, hotline_lines
from bot.handoff.relay import CLAIM, CLOSE
from bot.telegram.identity import pseudonym
from bot.telegram.render import escape
from tests.handoff.conftest import BURMESE_STAFF, OUTSIDER, STAFF_CHAT_ID, ForumBotApi
from tests.telegram.conftest import SECRET, Person, buttons
from tests.telegram.fake_bot_api import user

pytestmark = pytest.mark.asyncio(loop_scope="session")
REGION = "es-barcelona"


def text_of(content: Any, lang: str, string_id: str, **values: Any) -> str:
    return escape(content.text(lang, string_id, **values))


def cases(app: Any) -> list[Any]:
    engine = app.bot_data["services"].storage.db.engine
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT * FROM cases ORDER BY id")).mappings())


def case_messages(app: Any) -> list[Any]:
    engine = app.bot_data["services"].storage.db.engine
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT * FROM case_messages ORDER BY id")).mappings())


async def escalate(api: ForumBotApi, person: Person) -> tuple[dict[str, Any], dict[str, Any], int]:
    """/human → (the person's reply, the summary card, the forum topic's thread id)."""
    since = api.mark()
    [reply] = await person.say("/human", count=1)
    [topic] = api.topics(since)
    [card] = api.in_topic(topic["message_thread_id"], since)
    return reply, card, topic["message_thread_id"]


async def press_as(api: ForumBotApi, uid: int, message: dict[str, Any], data: str) -> str:
    """Press a button of the staff chat as uid; wait until the press is answered; the query id."""
    query_id = api.press(user(uid), api.stored_message(STAFF_CHAT_ID, message["message_id"]), data)
    await api.wait_for(lambda _: any(c.params["callback_query_id"] == query_id
                                     for c in api.called("answerCallbackQuery")))
    return query_id


async def test_full_handoff_in_burmese(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5001, "my")
    question = "အလုပ်ရှင်က ကျွန်တော့် ပတ်စပို့ကို သိမ်းထားတယ်"
    async with handoff_bot() as app:
        await person.say(question)
        reply, card, thread = await escalate(forum_api, person)
        assert reply["text"] == text_of(content, "my", "handoff.case.opened")
        assert forum_api.topics()[0]["name"] == "#1 · my · request"
        me = pseudonym(SECRET, 5001)
        assert me[:10] in card["text"] and "5001" not in card["text"] and "User5001" not in card["text"]
        assert escape(question) in card["text"]  # the last messages to the assistant
        assert [b["callback_data"] for b in buttons(card)] == [f"{CLAIM}1", f"{CLOSE}1"]

        since = forum_api.mark()
        await press_as(forum_api, BURMESE_STAFF, card, f"{CLAIM}1")
        [claimed] = await forum_api.replies(5001, since, count=1)
        assert claimed["text"] == text_of(content, "my", "handoff.case.claimed")
        card = forum_api.stored_message(STAFF_CHAT_ID, card["message_id"])
        assert [b["callback_data"] for b in buttons(card)] == [f"{CLOSE}1"]
        assert cases(app)[0]["state"] == "claimed" and cases(app)[0]["claimed_by"] == BURMESE_STAFF

        events_before = len(await assistant.client.events(me))
        since = forum_api.mark()
        forum_api.text(person.user, "ကျေးဇူးပြုပြီး ကူညီပေးပါ")
        [relayed] = await forum_api.wait_in_topic(thread, since, 1)
        assert relayed["text"] == "ကျေးဇူးပြုပြီး ကူညီပေးပါ"
        since = forum_api.mark()
        forum_api.staff_says(BURMESE_STAFF, thread, "မင်္ဂလာပါ၊ ကူညီပေးပါမယ်။ <ဘာဖြစ်တာလဲ>")
        [answer] = await forum_api.replies(5001, since, count=1)
        assert answer["text"] == escape("မင်္ဂလာပါ၊ ကူညီပေးပါမယ်။ <ဘာဖြစ်တာလဲ>")
        assert forum_api.sent(5001, since) == [answer]  # the assistant did not answer the person's message
        assert len(await assistant.client.events(me)) == events_before  # nor did Rasa see it

        since = forum_api.mark()
        await press_as(forum_api, BURMESE_STAFF, card, f"{CLOSE}1")
        [closed] = await forum_api.replies(5001, since, count=1)
        assert closed["text"] == text_of(content, "my", "handoff.case.closed")
        assert forum_api.called("closeForumTopic", since)
        assert cases(app)[0]["state"] == "closed"
        assert [(m["direction"], bool(m["delivered"])) for m in case_messages(app)] == [("user", True), ("staff", True)]

        answer = await person.say("အလုပ်ပါမစ် ဘယ်လို လျှောက်ရမလဲ")  # the assistant answers again
        assert buttons(answer[-1])


async def test_the_talk_to_a_person_button_opens_a_case(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5002, "my")
    async with handoff_bot():
        answer = await person.say("ဆေးရုံကို ဘယ်လိုသွားရမလဲ")
        since = forum_api.mark()
        [reply] = await person.press(answer[-1], HUMAN_PAYLOAD, count=1)
        assert reply["text"] == text_of(content, "my", "handoff.case.opened")
        assert [t["name"] for t in forum_api.topics(since)] == ["#1 · my · request"]


async def test_someone_not_on_the_roster_is_refused(handoff_bot, forum_api: ForumBotApi, assistant, caplog):
    content = assistant.store.current()
    person = Person(forum_api, 5003, "my")
    async with handoff_bot() as app:
        _, card, thread = await escalate(forum_api, person)
        since = forum_api.mark()
        with caplog.at_level(logging.WARNING, logger="bot.handoff.relay"):
            query_id = await press_as(forum_api, OUTSIDER, card, f"{CLAIM}1")
            [answered] = [c for c in forum_api.called("answerCallbackQuery", since)
                          if c.params["callback_query_id"] == query_id]
            assert answered.params["text"] == content.text("en", "handoff.staff.refused")
            assert cases(app)[0]["state"] == "queued" and cases(app)[0]["claimed_by"] is None

            forum_api.staff_says(OUTSIDER, thread, "hello from someone else")
            [refused] = await forum_api.wait_in_topic(thread, since, 1)
            assert refused["text"] == text_of(content, "en", "handoff.staff.refused")
        assert forum_api.sent(5003, since) == []  # nothing reached the person
        assert case_messages(app) == []
        refusals = [r for r in caplog.records if "not on the staff roster" in r.getMessage()]
        assert len(refusals) == 2 and str(OUTSIDER) in refusals[0].getMessage()


async def test_out_of_hours_the_person_is_told_when_and_given_the_hotlines(handoff_bot, forum_api, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5004, "th")
    async with handoff_bot() as app:  # Sunday noon in Bangkok; Thai staff work Monday to Friday from 09:00
        reply, card, _ = await escalate(forum_api, person)
        expected = "\n".join([content.text("th", "handoff.case.queued", when="2026-11-30 09:00", zone="Asia/Bangkok"),
                              *hotline_lines(content, REGION, "th")])
        assert reply["text"] == escape(expected)
        assert hotline_lines(content, REGION, "th")
        assert cases(app)[0]["state"] == "queued"
        assert forum_api.topics()[0]["name"] == "#1 · th · request" and buttons(card)


async def test_nobody_speaks_the_language_the_person_gets_the_hotlines(handoff_bot, forum_api, assistant):
    content = assistant.store.current()
    async with handoff_bot():
        reply, _, _ = await escalate(forum_api, Person(forum_api, 5005, "fr"))
        expected = "\n".join([content.text("fr", "handoff.case.queued_unknown"), *hotline_lines(content, REGION, "fr")])
        assert reply["text"] == escape(expected)


async def test_without_a_staff_chat_human_gives_the_hotlines(handoff_bot, forum_api, assistant):
    content = assistant.store.current()
    async with handoff_bot(staff=False):
        replies = await Person(forum_api, 5006, "en").say("/human")
    assert replies[0]["text"].startswith(text_of(content, "en", "handoff.intro"))
    assert forum_api.topics() == []


async def test_the_case_survives_a_restart_and_nothing_is_lost(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5007, "my")
    async with handoff_bot():
        _, card, thread = await escalate(forum_api, person)
        since = forum_api.mark()
        await press_as(forum_api, BURMESE_STAFF, card, f"{CLAIM}1")
        await forum_api.replies(5007, since, count=1)
        # Telegram refuses one relay: the message stays stored and goes first next time, in order
        forum_api.fail_next("sendMessage", {"error_code": 400, "description": "Bad Request: try later"})
        since = forum_api.mark()
        forum_api.text(person.user, "ပထမ စာ")
        await forum_api.wait_for(lambda _: forum_api.called("sendMessage", since))
        await asyncio.sleep(0.5)  # the handler logs the failure and finishes
    # stopped: both sides write meanwhile (Telegram keeps the updates)
    since = forum_api.mark()
    forum_api.text(person.user, "ဒုတိယ စာ")
    forum_api.staff_says(BURMESE_STAFF, thread, "ပြန်ဖြေပါမယ်")
    async with handoff_bot() as app:
        relayed = await forum_api.wait_in_topic(thread, since, 2)
        assert [m["text"] for m in relayed] == ["ပထမ စာ", "ဒုတိယ စာ"]
        [answer] = await forum_api.replies(5007, since, count=1)
        assert answer["text"] == "ပြန်ဖြေပါမယ်"
        stored = case_messages(app)  # the two chats are handled concurrently: in order within each side
        assert [(m["text"], bool(m["delivered"])) for m in stored if m["direction"] == "user"] == [
            ("ပထမ စာ", True), ("ဒုတိယ စာ", True)]
        assert [(m["text"], bool(m["delivered"])) for m in stored if m["direction"] == "staff"] == [
            ("ပြန်ဖြေပါမယ်", True)]

        since = forum_api.mark()
        [back] = await person.say("/bot", count=1)  # the person goes back to the assistant
        assert back["text"] == text_of(content, "my", "handoff.case.closed")
        [left] = await forum_api.wait_in_topic(thread, since, 1)
        assert left["text"] == text_of(content, "en", "handoff.staff.left")
        assert cases(app)[0]["state"] == "closed"
