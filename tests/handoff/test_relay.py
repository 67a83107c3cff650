"""The handoff end to end through the fake Bot API: a private chat and the staff supergroup's forum topics."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import sqlalchemy as sa

from bot.privacy.pseudonym import pseudonym
from bot.replies import HUMAN_PAYLOAD, hotline_lines, topic_reply
from bot.telegram.core.callback_data import CLAIM, CLOSE, RATE, TRANSFER
from bot.telegram.core.render import escape
from bot.telegram.handoff.service import HANDOFF_KEY
from tests.helpers.forum import BURMESE_STAFF, OUTSIDER, STAFF_CHAT_ID, ForumBotApi
from tests.helpers.handoff import case_messages, cases, escalate, press_as, text_of, waiting
from tests.helpers.telegram import SECRET, Person, buttons
from tests.helpers.waiting import until

pytestmark = pytest.mark.asyncio(loop_scope="session")
REGION = "es-barcelona"


async def test_full_handoff_in_burmese(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5101, "my")
    question = "အလုပ်ရှင်က ကျွန်တော့် ပတ်စပို့ကို သိမ်းထားတယ်"
    async with handoff_bot() as app:
        await person.say(question)
        reply, card, thread = await escalate(forum_api, person)
        assert reply["text"] == waiting(content, "my", content.text("my", "handoff.case.opened"))
        assert forum_api.topics()[0]["name"] == "#1 · my · request"
        me = pseudonym(SECRET, 5101)
        assert me[:10] in card["text"] and "5101" not in card["text"] and "User5101" not in card["text"]
        assert escape(question) in card["text"]  # the last messages to the assistant
        assert f'<a href="tg://user?id={BURMESE_STAFF}">Aung &lt;Ko&gt;</a>' in card["text"]  # on duty, mentioned
        assert [b["callback_data"] for b in buttons(card)] == [f"{CLAIM}1", f"{TRANSFER}1", f"{CLOSE}1"]
        assert [e["event"] for e in await assistant.client.events(me)][-1] == "pause"  # Rasa is paused

        since = forum_api.mark()
        await press_as(forum_api, BURMESE_STAFF, card, f"{CLAIM}1")
        [claimed] = await forum_api.replies(5101, since, count=1)
        assert claimed["text"] == text_of(content, "my", "handoff.case.claimed")
        card = forum_api.stored_message(STAFF_CHAT_ID, card["message_id"])
        assert [b["callback_data"] for b in buttons(card)] == [f"{TRANSFER}1", f"{CLOSE}1"]
        assert cases(app)[0]["state"] == "claimed" and cases(app)[0]["claimed_by"] == BURMESE_STAFF

        events_before = len(await assistant.client.events(me))
        since = forum_api.mark()
        forum_api.text(person.user, "ကျေးဇူးပြုပြီး ကူညီပေးပါ")
        [relayed] = await forum_api.wait_in_topic(thread, since, 1)
        assert relayed["text"] == "ကျေးဇူးပြုပြီး ကူညီပေးပါ"
        since = forum_api.mark()
        forum_api.staff_says(BURMESE_STAFF, thread, "မင်္ဂလာပါ၊ ကူညီပေးပါမယ်။ <ဘာဖြစ်တာလဲ>")
        [answer] = await forum_api.replies(5101, since, count=1)
        assert answer["text"] == escape("မင်္ဂလာပါ၊ ကူညီပေးပါမယ်။ <ဘာဖြစ်တာလဲ>")
        assert forum_api.sent(5101, since) == [answer]  # the assistant did not answer the person's message
        assert len(await assistant.client.events(me)) == events_before  # nor did Rasa see it

        since = forum_api.mark()  # staff send a curated answer, in Burmese, for the person's region
        forum_api.staff_says(BURMESE_STAFF, thread, "/answer work.rights")
        [curated] = await forum_api.replies(5101, since, count=1)
        expected = topic_reply(content, REGION, "my", "work.rights")
        assert curated["text"] == escape("\n\n".join(expected.messages))
        [done] = await forum_api.wait_in_topic(thread, since, 1)
        assert done["text"] == text_of(content, "en", "handoff.staff.answered", topic="work.rights")

        since = forum_api.mark()
        await press_as(forum_api, BURMESE_STAFF, card, f"{CLOSE}1")
        closed, rate = await forum_api.replies(5101, since, count=2)
        assert closed["text"] == text_of(content, "my", "handoff.case.closed")
        assert rate["text"] == text_of(content, "my", "handoff.case.rate")
        assert [b["callback_data"] for b in buttons(rate)] == [f"{RATE}1:{n}" for n in range(1, 6)]
        assert forum_api.called("closeForumTopic", since)
        assert cases(app)[0]["state"] == "closed"
        await until(lambda: case_messages(app)[-1]["delivered"])
        assert [(m["direction"], bool(m["delivered"])) for m in case_messages(app)] == [
            ("user", True),
            ("staff", True),
            ("staff", True),
        ]
        assert [e["event"] for e in await assistant.client.events(me)][-1] == "resume"  # Rasa resumed

        since = forum_api.mark()
        [thanks] = await person.press(rate, f"{RATE}1:5", count=1)
        assert thanks["text"] == text_of(content, "my", "handoff.case.rated")
        assert cases(app)[0]["rating"] == 5
        [told] = await forum_api.wait_in_topic(thread, since, 1)  # staff see the rating in the case's topic
        assert told["text"] == text_of(content, "en", "handoff.staff.rated", rating=5)
        assert not buttons(forum_api.stored_message(5101, rate["message_id"]))  # rated once

        answer = await person.say("အလုပ်ပါမစ် ဘယ်လို လျှောက်ရမလဲ")  # the assistant answers again
        assert buttons(answer[-1])


async def test_the_talk_to_a_person_button_opens_a_case(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5102, "my")
    async with handoff_bot():
        answer = await person.say("ဆေးရုံကို ဘယ်လိုသွားရမလဲ")
        since = forum_api.mark()
        [reply] = await person.press(answer[-1], HUMAN_PAYLOAD, count=1)
        assert reply["text"] == waiting(content, "my", content.text("my", "handoff.case.opened"))
        assert [t["name"] for t in forum_api.topics(since)] == ["#1 · my · request"]


async def test_someone_not_on_the_roster_is_refused(handoff_bot, forum_api: ForumBotApi, assistant, caplog):
    content = assistant.store.current()
    person = Person(forum_api, 5103, "my")
    async with handoff_bot() as app:
        _, card, thread = await escalate(forum_api, person)
        since = forum_api.mark()
        with caplog.at_level(logging.WARNING, logger="bot.telegram.handoff.relay"):
            query_id = await press_as(forum_api, OUTSIDER, card, f"{CLAIM}1")
            [answered] = [
                c for c in forum_api.called("answerCallbackQuery", since) if c.params["callback_query_id"] == query_id
            ]
            assert answered.params["text"] == content.text("en", "handoff.staff.refused")
            assert cases(app)[0]["state"] == "queued" and cases(app)[0]["claimed_by"] is None

            forum_api.staff_says(OUTSIDER, thread, "hello from someone else")
            [refused] = await forum_api.wait_in_topic(thread, since, 1)
            assert refused["text"] == text_of(content, "en", "handoff.staff.refused")
        assert forum_api.sent(5103, since) == []  # nothing reached the person
        assert case_messages(app) == []
        refusals = [r for r in caplog.records if "not on the staff roster" in r.getMessage()]
        assert len(refusals) == 2 and str(OUTSIDER) in refusals[0].getMessage()


async def test_out_of_hours_the_person_is_told_when_and_given_the_hotlines(handoff_bot, forum_api, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5104, "th")
    async with handoff_bot() as app:  # Sunday noon in Bangkok; Thai staff work Monday to Friday from 09:00
        reply, card, _ = await escalate(forum_api, person)
        expected = "\n".join(
            [
                content.text("th", "handoff.case.queued", when="2026-11-30 09:00", zone="Asia/Bangkok"),
                *hotline_lines(content, REGION, "th"),
            ]
        )
        assert reply["text"] == waiting(content, "th", expected)
        assert hotline_lines(content, REGION, "th")
        assert cases(app)[0]["state"] == "queued"
        assert forum_api.topics()[0]["name"] == "#1 · th · request" and buttons(card)


async def test_nobody_speaks_the_language_the_person_gets_the_hotlines(handoff_bot, forum_api, assistant):
    content = assistant.store.current()
    async with handoff_bot():
        reply, _, _ = await escalate(forum_api, Person(forum_api, 5105, "fr"))
        expected = "\n".join([content.text("fr", "handoff.case.queued_unknown"), *hotline_lines(content, REGION, "fr")])
        assert reply["text"] == waiting(content, "fr", expected)


async def test_the_case_survives_a_restart_and_nothing_is_lost(
    handoff_bot, forum_api: ForumBotApi, assistant, database_url
):
    content = assistant.store.current()
    person = Person(forum_api, 5107, "my")
    async with handoff_bot(database_url=database_url):
        _, card, thread = await escalate(forum_api, person)
        since = forum_api.mark()
        await press_as(forum_api, BURMESE_STAFF, card, f"{CLAIM}1")
        await forum_api.replies(5107, since, count=1)
        # Telegram refuses one relay: the message stays stored and goes first next time, in order
        forum_api.fail_next("sendMessage", {"error_code": 400, "description": "Bad Request: try later"})
        since = forum_api.mark()
        forum_api.text(person.user, "ပထမ စာ")
        await forum_api.wait_for(lambda _: forum_api.called("sendMessage", since))
    # leaving the block stopped the Application, which waits for its handlers to finish
    # stopped: both sides write meanwhile (Telegram keeps the updates)
    since = forum_api.mark()
    forum_api.text(person.user, "ဒုတိယ စာ")
    forum_api.staff_says(BURMESE_STAFF, thread, "ပြန်ဖြေပါမယ်")
    async with handoff_bot(database_url=database_url) as app:
        # both, in order: one message each, or merged into one when both waited (topic_queue.py)
        await until(lambda: "\n\n".join(m["text"] for m in forum_api.in_topic(thread, since)) == "ပထမ စာ\n\nဒုတိယ စာ")
        [answer] = await forum_api.replies(5107, since, count=1)
        assert answer["text"] == "ပြန်ဖြေပါမယ်"
        # marked delivered after Telegram accepted them: wait for the writes that follow the sends
        stored = await until(lambda: all(m["delivered"] for m in case_messages(app)) and case_messages(app))
        # the two chats are handled concurrently: in order within each side
        assert [m["text"] for m in stored if m["direction"] == "user"] == ["ပထမ စာ", "ဒုတိယ စာ"]
        assert [m["text"] for m in stored if m["direction"] == "staff"] == ["ပြန်ဖြေပါမယ်"]

        since = forum_api.mark()
        back, _rate = await person.say("/bot", count=2)  # the person goes back to the assistant
        assert back["text"] == text_of(content, "my", "handoff.case.closed")
        [left] = await forum_api.wait_in_topic(thread, since, 1)
        assert left["text"] == text_of(content, "en", "handoff.staff.left")
        assert cases(app)[0]["state"] == "closed"


async def test_forget_during_an_open_case_asks_closes_the_case_and_deletes(
    handoff_bot, forum_api: ForumBotApi, assistant
):
    from bot.telegram.core.callback_data import FORGET_NO, FORGET_YES

    content = assistant.store.current()
    person = Person(forum_api, 5113, "my")
    conversation = pseudonym(SECRET, 5113)
    async with handoff_bot() as app:
        await person.say("ဆေးရုံကို ဘယ်လိုသွားရမလဲ")
        _, _card, thread = await escalate(forum_api, person)
        since = forum_api.mark()
        [question] = await person.say("/forget", count=1)  # not relayed to staff: asked, as outside a case
        assert question["text"] == text_of(content, "my", "telegram.forget_confirm")
        assert not forum_api.in_topic(thread, since)
        [kept] = await person.press(question, FORGET_NO, count=1)
        assert kept["text"] == text_of(content, "my", "telegram.forget_kept")
        assert cases(app)[0]["state"] != "closed"

        [question] = await person.say("/forget", count=1)
        since = forum_api.mark()
        [done] = await person.press(question, FORGET_YES, count=1)
        assert done["text"] == text_of(content, "my", "forget.done")
        [left] = await forum_api.wait_in_topic(thread, since, 1)  # staff are told the person left
        assert left["text"] == text_of(content, "en", "handoff.staff.left")
        assert cases(app) == []  # the person's rows, their case with them
        assert await assistant.client.events(conversation) == []
        # and the staff-chat topic, with everything relayed in it
        [deleted] = forum_api.called("deleteForumTopic", since)
        assert (deleted.params["chat_id"], deleted.params["message_thread_id"]) == (STAFF_CHAT_ID, thread)
        assert queued_topics(app) == []


async def test_a_topic_telegram_will_not_delete_is_said_and_deleted_later(
    handoff_bot, forum_api: ForumBotApi, assistant
):
    from bot.telegram.core.callback_data import FORGET_YES
    from bot.telegram.handoff.topics import delete_queued

    content = assistant.store.current()
    person = Person(forum_api, 5114, "th")
    async with handoff_bot() as app:
        _, _card, thread = await escalate(forum_api, person)
        await person.say("/bot", count=2)  # the case closed; its topic stays for staff
        forum_api.fail_next("deleteForumTopic", {"error_code": 400, "description": "Bad Request: not enough rights"})
        [question] = await person.say("/forget", count=1)
        [done] = await person.press(question, FORGET_YES, count=1)
        pending = content.text("th", "forget.staff_pending")  # honest: the staff topic is not gone yet
        assert done["text"] == escape(content.text("th", "forget.done") + "\n\n" + pending)
        assert cases(app) == [] and queued_topics(app) == [thread]  # nothing about the person, only the topic

    async with handoff_bot() as app:  # a restart: the queue is in the database
        await until(lambda: not queued_topics(app))  # the background round at start deleted it
        assert [c.params["message_thread_id"] for c in forum_api.called("deleteForumTopic")][-1] == thread
        assert await delete_queued(app.bot_data[HANDOFF_KEY], app.bot) == 0


async def test_a_person_opening_case_after_case_is_given_the_hotlines_instead(
    handoff_bot, forum_api: ForumBotApi, assistant
):
    from bot.telegram.handoff.relay import MAX_CASES_PER_DAY

    content = assistant.store.current()
    person = Person(forum_api, 5114, "es")
    async with handoff_bot() as app:
        for _ in range(MAX_CASES_PER_DAY):  # /human, /bot in a loop: a topic calling the staff each time
            await escalate(forum_api, person)
            await person.say("/bot", count=2)
        since = forum_api.mark()
        [refused] = await person.say("/human", count=1)
        assert refused["text"].startswith(text_of(content, "es", "handoff.case.limit"))
        assert "112" in refused["text"]  # the region's help lines
        assert forum_api.topics(since) == []
        assert len(cases(app)) == MAX_CASES_PER_DAY
        # someone in danger still reaches a person
        forum_api.text(person.user, "mi pareja me pega y tengo miedo")
        assert await until(lambda: len(cases(app)) == MAX_CASES_PER_DAY + 1)


def queued_topics(app: Any) -> list[int]:
    """The forum topics still to delete."""
    engine = app.bot_data["services"].storage.db.engine
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT forum_topic_id FROM forum_topic_deletions")).scalars())
