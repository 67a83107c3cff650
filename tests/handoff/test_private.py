"""The hotline within Telegram's group limit (issue 11), end to end through the fake Bot API.

A claimed case's messages go to the claimant's private chat too and their replies there reach the person;
what waits for a topic is merged into one message, in order; nothing is lost when the staff group is
rate limited (429); /forget deletes the private copies.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from bot.telegram.core.callback_data import CLAIM, FORGET_YES
from bot.telegram.core.render import escape
from tests.helpers.fake_bot_api import user
from tests.helpers.forum import BURMESE_STAFF, STAFF_CHAT_ID, ForumBotApi
from tests.helpers.handoff import case_messages, escalate, press_as, text_of
from tests.helpers.telegram import Person
from tests.helpers.telegram_limits import TelegramLimits, Window
from tests.helpers.waiting import until

pytestmark = pytest.mark.asyncio(loop_scope="session")


def copies(app: Any) -> list[Any]:
    """The staff_copies table of the running bot, oldest first."""
    with app.bot_data["services"].storage.db.engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT * FROM staff_copies ORDER BY id")).mappings())


async def claimed_in_private(api: ForumBotApi, person: Person) -> tuple[dict[str, Any], int]:
    """The Burmese staff member starts a private chat, the person opens a case, staff claim it: (intro, thread)."""
    await Person(api, BURMESE_STAFF, "en").say("/start")
    _, card, thread = await escalate(api, person)
    since = api.mark()
    await press_as(api, BURMESE_STAFF, card, f"{CLAIM}1")
    [intro] = await api.replies(BURMESE_STAFF, since, count=1)
    await api.replies(person.id, since, count=1)  # "a person is reading your messages"
    return intro, thread


def reply_in_private(api: ForumBotApi, to: dict[str, Any] | None, text: str) -> None:
    """The Burmese staff member writes in their private chat, replying to one of the bot's messages (or not)."""
    fields: dict[str, Any] = {"text": text}
    if to is not None:
        fields["reply_to_message"] = api.stored_message(BURMESE_STAFF, to["message_id"])
    api.message(user(BURMESE_STAFF, "en"), **fields)


async def test_a_claimed_case_comes_to_the_claimants_private_chat_and_their_reply_to_the_person(
    handoff_bot, forum_api: ForumBotApi, assistant
):
    content = assistant.store.current()
    person = Person(forum_api, 5301, "my")
    async with handoff_bot() as app:
        intro, thread = await claimed_in_private(forum_api, person)
        assert intro["text"] == text_of(content, "en", "handoff.staff.private_claimed", case=1, language="my")

        since = forum_api.mark()
        forum_api.text(person.user, "about my work permit <card>")
        [copy] = await forum_api.replies(BURMESE_STAFF, since, count=1)
        assert copy["text"] == escape("#1\nabout my work permit <card>")  # the case number first
        [posted] = await forum_api.wait_in_topic(thread, since, 1)  # the topic stays the record
        assert posted["text"] == escape("about my work permit <card>")

        since = forum_api.mark()
        reply_in_private(forum_api, copy, "ကူညီပေးပါမယ် <ok>")  # Telegram's Reply on the copy
        [answer] = await forum_api.replies(person.id, since, count=1)
        assert answer["text"] == escape("ကူညီပေးပါမယ် <ok>")
        [record] = await forum_api.wait_in_topic(thread, since, 1)
        label = content.text("en", "handoff.staff.replied_privately")
        assert record["text"] == escape(f"{label}\nကူညီပေးပါမယ် <ok>")
        assert forum_api.sent(BURMESE_STAFF, since) == []  # the assistant did not answer the staff member

        since = forum_api.mark()  # their only case: a message that replies to nothing goes to it too
        reply_in_private(forum_api, None, "second answer")
        [answer] = await forum_api.replies(person.id, since, count=1)
        assert answer["text"] == "second answer"
        stored = await until(lambda: (m := case_messages(app)) and len(m) == 3 and all(x["delivered"] for x in m) and m)
        await until(lambda: all(m["recorded"] for m in case_messages(app) if m["direction"] == "staff"))
        assert [(m["direction"], m["copied"]) for m in stored] == [("user", True), ("staff", None), ("staff", None)]
        # the intro, the copy and both staff messages are kept with the case, to be deleted with it
        assert [c["case_id"] for c in copies(app)] == [1, 1, 1, 1]


async def test_a_reply_to_a_closed_case_or_for_one_of_several_is_not_sent(
    handoff_bot, forum_api: ForumBotApi, assistant
):
    content = assistant.store.current()
    first, second = Person(forum_api, 5302, "my"), Person(forum_api, 5303, "my")
    async with handoff_bot():
        intro, _ = await claimed_in_private(forum_api, first)
        _, card, _ = await escalate(forum_api, second)
        await press_as(forum_api, BURMESE_STAFF, card, f"{CLAIM}2")
        await forum_api.wait_for(lambda _: len(forum_api.sent(BURMESE_STAFF)) >= 3)  # welcome, two intros

        since = forum_api.mark()
        reply_in_private(forum_api, None, "for whom?")  # two cases: which one?
        [asked] = await forum_api.replies(BURMESE_STAFF, since, count=1)
        assert asked["text"] == text_of(content, "en", "handoff.staff.private_which")

        await first.say("/bot", count=2)  # the first case closes
        since = forum_api.mark()
        reply_in_private(forum_api, intro, "too late")
        [refused] = await forum_api.replies(BURMESE_STAFF, since, count=1)
        assert refused["text"] == text_of(content, "en", "handoff.staff.private_closed", case=1)
        assert forum_api.sent(first.id, since) == [] and forum_api.sent(second.id, since) == []


async def test_messages_piling_up_for_a_topic_are_merged_in_order_and_none_lost_under_429(
    handoff_bot, forum_api: ForumBotApi, assistant
):
    people = [Person(forum_api, 5311, "my"), Person(forum_api, 5312, "my")]
    async with handoff_bot() as app:
        threads = [(await escalate(forum_api, p))[2] for p in people]
        # Telegram's limit for the group, made tiny: 1 message in 3 s; it is already used up
        forum_api.limits = TelegramLimits(group=Window(1, 3.0), private=None, bot=None)
        assert forum_api.limits.check(STAFF_CHAT_ID) is None
        since = forum_api.mark()
        texts = {p.id: [f"{p.id} message {n}" for n in range(1, 5)] for p in people}
        for n in range(4):
            for p in people:
                forum_api.text(p.user, texts[p.id][n])

        def joined(thread: int) -> str:
            return "\n\n".join(m["text"] for m in forum_api.in_topic(thread, since))

        for p, thread in zip(people, threads, strict=True):
            await until(lambda t=thread, p=p: joined(t) == "\n\n".join(texts[p.id]), timeout=60)
            assert len(forum_api.in_topic(thread, since)) < 4  # merged: fewer topic messages than messages
        assert forum_api.limits.refused > 0  # Telegram said 429 and the bot waited as told
        await until(lambda: all(m["delivered"] for m in case_messages(app) if m["direction"] == "user"))


async def test_forget_deletes_the_private_copies(handoff_bot, forum_api: ForumBotApi, assistant):
    person = Person(forum_api, 5321, "my")
    async with handoff_bot() as app:
        intro, _ = await claimed_in_private(forum_api, person)
        since = forum_api.mark()
        forum_api.text(person.user, "my story")
        [copy] = await forum_api.replies(BURMESE_STAFF, since, count=1)
        since = forum_api.mark()
        reply_in_private(forum_api, copy, "thank you")
        await forum_api.replies(person.id, since, count=1)
        mine = [(BURMESE_STAFF, m) for m in (intro["message_id"], copy["message_id"])]
        await until(lambda: len(copies(app)) == 3)
        reply_id = copies(app)[-1]["message_id"]

        [question] = await person.say("/forget", count=1)
        since = forum_api.mark()
        [done] = await person.press(question, FORGET_YES, count=1)
        assert done["text"] == text_of(assistant.store.current(), "my", "forget.done")  # all of it: nothing pending
        deleted = [(c.params["chat_id"], c.params["message_id"]) for c in forum_api.called("deleteMessage", since)]
        assert sorted(deleted) == sorted([*mine, (BURMESE_STAFF, reply_id)])  # copies, and their own reply
        assert copies(app) == []
