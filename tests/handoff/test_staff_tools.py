"""Staff tools end to end: topic names, mentions, queue positions, /queue, transfer, /note, /answer, media."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from bot.handoff.lifecycle import Kind
from bot.privacy.pseudonym import pseudonym
from bot.telegram.core.callback_data import CLAIM, CLOSE, ROUTE, TRANSFER
from bot.telegram.core.render import escape
from bot.telegram.handoff.relay import escalate
from bot.telegram.handoff.service import HANDOFF_KEY
from tests.helpers.fake_bot_api import user
from tests.helpers.forum import BURMESE_STAFF, OUTSIDER, STAFF_CHAT, THAI_SUPERVISOR, ForumBotApi
from tests.helpers.handoff import case_messages, cases, press_as, text_of, waiting
from tests.helpers.handoff import escalate as say_human
from tests.helpers.telegram import SECRET, Person, buttons
from tests.helpers.waiting import until

pytestmark = pytest.mark.asyncio(loop_scope="session")
MONDAY_TEN = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)  # 10:00 in Bangkok: the Thai supervisor works
PHOTO = [
    {"file_id": "photo-small", "file_unique_id": "ps", "width": 90, "height": 90},
    {"file_id": "photo-large", "file_unique_id": "pl", "width": 1280, "height": 960},
]
DOCUMENT = {"file_id": "document-1", "file_unique_id": "d1", "file_name": "contract.pdf"}
VOICE = {"file_id": "voice-1", "file_unique_id": "v1", "duration": 12}
STICKER = {
    "file_id": "sticker-1",
    "file_unique_id": "s1",
    "type": "regular",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
}


def mention(uid: int, name: str) -> str:
    return f'<a href="tg://user?id={uid}">{escape(name)}</a>'


async def open_directly(
    app: Any, api: ForumBotApi, person: Person, lang: str, kind: Kind, topic: str | None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Open a case as the urgent and complaint flows do (relay.escalate): (reply, forum topic, card)."""
    since = api.mark()
    await escalate(app.bot_data[HANDOFF_KEY], app.bot, person.id, pseudonym(SECRET, person.id), lang, kind, topic)
    [forum] = api.topics(since)
    [card] = api.in_topic(forum["message_thread_id"], since)
    [reply] = api.sent(person.id, since)
    return reply, forum, card


async def test_urgent_first_positions_per_language_and_the_queue(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    first, urgent, thai = Person(forum_api, 5201, "my"), Person(forum_api, 5202, "my"), Person(forum_api, 5203, "th")
    async with handoff_bot() as app:
        for person in (first, urgent, thai):
            await person.say("/menu")
        reply, _, thread = await say_human(forum_api, first)
        assert reply["text"] == waiting(content, "my", content.text("my", "handoff.case.opened"), position=1)

        reply, forum, card = await open_directly(app, forum_api, urgent, "my", Kind.URGENT, "health.access")
        assert forum["name"] == "#2 · my · health.access · URGENT"
        assert "Case #2 · URGENT" in card["text"]
        assert escape(content.text("en", "handoff.staff.topic", topic="health.access")) in card["text"]
        assert mention(BURMESE_STAFF, "Aung <Ko>") in card["text"]
        assert reply["text"].endswith(escape(content.text("my", "handoff.case.position", position=1)))
        _, forum, _ = await open_directly(app, forum_api, thai, "th", Kind.COMPLAINT, None)
        assert forum["name"] == "#3 · th · COMPLAINT"  # the Thai queue is another queue: first there

        since = forum_api.mark()  # the urgent case went first: the first person is told they are now second
        forum_api.text(first.user, "ပထမ စာ")
        [told] = await forum_api.replies(first.id, since, count=1)
        assert told["text"] == text_of(content, "my", "handoff.case.position", position=2)
        since = forum_api.mark()
        forum_api.message(user(BURMESE_STAFF), STAFF_CHAT, text="/queue")
        [queue] = await forum_api.wait_for(lambda _: forum_api.in_general(since) or None)
        lines = queue["text"].split("\n")
        assert lines[0] == escape(content.text("en", "handoff.staff.queue"))
        assert [line.split(" · ")[:4] if line.startswith("#") else line for line in lines[1:] if line] == [
            "my:",
            ["#2", "my", "URGENT", "queued"],
            ["#1", "my", "request", "queued"],
            "th:",
            ["#3", "th", "COMPLAINT", "queued"],
        ]

        since = forum_api.mark()
        forum_api.text(first.user, "ဒုတိယ စာ")  # unchanged: not told again
        await forum_api.wait_in_topic(thread, since, 1)
        closed, _rate = await first.say("/bot", count=2)  # this chat's updates are handled in order
        assert forum_api.sent(first.id, since)[0] == closed

        since = forum_api.mark()
        forum_api.message(user(OUTSIDER), STAFF_CHAT, text="/queue")
        [refused] = await forum_api.wait_for(lambda _: forum_api.in_general(since) or None)
        assert refused["text"] == text_of(content, "en", "handoff.staff.refused")


async def test_transfer_to_another_language_then_to_the_supervisors(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5204, "my")
    async with handoff_bot(now=MONDAY_TEN) as app:
        _, card, thread = await say_human(forum_api, person)
        since = forum_api.mark()
        await press_as(forum_api, BURMESE_STAFF, card, f"{CLAIM}1")
        await forum_api.replies(person.id, since, count=1)

        since = forum_api.mark()
        await press_as(forum_api, BURMESE_STAFF, card, f"{TRANSFER}1")
        [chooser] = await forum_api.wait_in_topic(thread, since, 1)
        assert chooser["text"] == text_of(content, "en", "handoff.staff.transfer_to", case=1)
        choices = [b["callback_data"] for b in buttons(chooser)]
        assert choices == [f"{ROUTE}1:{c}" for c in content.language_codes if c != "my"] + [f"{ROUTE}1:supervisor"]

        since = forum_api.mark()
        await press_as(forum_api, BURMESE_STAFF, chooser, f"{ROUTE}1:th")
        [told] = await forum_api.replies(person.id, since, count=1)
        assert told["text"] == escape(
            content.text("my", "handoff.case.transferred")
            + "\n\n"
            + content.text("my", "handoff.case.position", position=1)
        )
        [note] = await forum_api.wait_in_topic(thread, since, 1)
        assert escape(content.text("en", "handoff.staff.transferred", target="th", staff="User900001")) in note["text"]
        assert mention(THAI_SUPERVISOR, content.text("en", "handoff.staff.unnamed")) in note["text"]  # no name
        assert [b["callback_data"] for b in buttons(note)] == [f"{CLAIM}1", f"{TRANSFER}1", f"{CLOSE}1"]
        [renamed] = forum_api.called("editForumTopic", since)
        assert renamed.params["name"] == "#1 · my → th · request"
        row = cases(app)[0]
        assert (row["state"], row["routed_to"], row["claimed_by"]) == ("queued", "th", None)

        since = forum_api.mark()
        await press_as(forum_api, THAI_SUPERVISOR, note, f"{TRANSFER}1")
        [chooser] = await forum_api.wait_in_topic(thread, since, 1)
        await press_as(forum_api, THAI_SUPERVISOR, chooser, f"{ROUTE}1:supervisor")
        await until(lambda: cases(app)[0]["routed_to"] == "supervisor")
        _, note = await forum_api.wait_in_topic(thread, since, 2)
        assert mention(THAI_SUPERVISOR, content.text("en", "handoff.staff.unnamed")) in note["text"]

        # now for the supervisors: the Burmese staff member cannot claim it back; the supervisor can
        query = await press_as(forum_api, BURMESE_STAFF, note, f"{CLAIM}1")
        [answer] = [c for c in forum_api.called("answerCallbackQuery") if c.params["callback_query_id"] == query]
        supervisors = content.text("en", "handoff.staff.supervisor")
        assert answer.params["text"] == content.text("en", "handoff.staff.not_yours", target=supervisors)
        assert answer.params["show_alert"] is True and cases(app)[0]["state"] == "queued"
        query = await press_as(forum_api, BURMESE_STAFF, note, f"{TRANSFER}1")  # nor move it to Burmese to claim it
        [answer] = [c for c in forum_api.called("answerCallbackQuery") if c.params["callback_query_id"] == query]
        assert answer.params["text"] == content.text("en", "handoff.staff.not_yours", target=supervisors)
        assert cases(app)[0]["routed_to"] == "supervisor"
        await press_as(forum_api, THAI_SUPERVISOR, note, f"{CLAIM}1")
        row = await until(lambda: cases(app)[0]["state"] == "claimed" and cases(app)[0])
        assert row["claimed_by"] == THAI_SUPERVISOR


async def test_only_the_claimant_or_a_supervisor_acts_on_a_claimed_case(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5207, "my")
    async with handoff_bot(now=MONDAY_TEN) as app:
        _, card, thread = await say_human(forum_api, person)
        since = forum_api.mark()
        await press_as(forum_api, THAI_SUPERVISOR, card, f"{CLAIM}1")
        await forum_api.replies(person.id, since, count=1)  # "someone is with you"
        unnamed = content.text("en", "handoff.staff.unnamed")
        handled = content.text("en", "handoff.staff.handled_by", case=1, staff=unnamed)

        # the Burmese staff member speaks the case's language, but the supervisor has it
        since = forum_api.mark()
        forum_api.staff_says(BURMESE_STAFF, thread, "I can help you")
        [refused] = await forum_api.wait_in_topic(thread, since, 1)
        assert refused["text"] == escape(handled)
        forum_api.staff_says(BURMESE_STAFF, thread, "/note I take this one")
        [_, refused_note] = await forum_api.wait_in_topic(thread, since, 2)
        assert refused_note["text"] == escape(handled)
        for button in (f"{CLOSE}1", f"{TRANSFER}1"):
            query = await press_as(forum_api, BURMESE_STAFF, card, button)
            [answer] = [c for c in forum_api.called("answerCallbackQuery") if c.params["callback_query_id"] == query]
            assert (answer.params["text"], answer.params["show_alert"]) == (handled, True)
        assert forum_api.sent(person.id, since) == []
        assert cases(app)[0]["state"] == "claimed" and case_messages(app) == []

        forum_api.staff_says(THAI_SUPERVISOR, thread, "Hello, I am here")  # the claimant
        [relayed] = await forum_api.replies(person.id, since, count=1)
        assert relayed["text"] == "Hello, I am here"


async def test_notes_are_kept_for_staff_and_never_sent(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 5205, "my")
    async with handoff_bot() as app:
        _, _, thread = await say_human(forum_api, person)
        since = forum_api.mark()
        forum_api.staff_says(BURMESE_STAFF, thread, "/note seems to be a labour case, call back Monday")
        [noted] = await forum_api.wait_in_topic(thread, since, 1)
        assert noted["text"] == text_of(content, "en", "handoff.staff.noted")
        forum_api.staff_says(BURMESE_STAFF, thread, "/note")
        [_, empty] = await forum_api.wait_in_topic(thread, since, 2)
        assert empty["text"] == text_of(content, "en", "handoff.staff.note_empty")
        forum_api.message(user(BURMESE_STAFF), STAFF_CHAT, text="/note outside any case")
        [outside] = await forum_api.wait_for(lambda _: forum_api.in_general(since) or None)
        assert outside["text"] == text_of(content, "en", "handoff.staff.not_in_case")

        forum_api.staff_says(BURMESE_STAFF, thread, "/answer no.such.topic")
        [*_, unknown] = await forum_api.wait_in_topic(thread, since, 3)
        valid = sorted(t for t in content.topic_ids if content.topic("es-barcelona", t))
        assert unknown["text"] == text_of(
            content, "en", "handoff.staff.answer_unknown", topic="no.such.topic", ids=", ".join(valid)
        )
        assert forum_api.sent(person.id, since) == []  # neither the note nor the error reached the person
        assert [(m["direction"], m["text"]) for m in case_messages(app)] == [
            ("note", "seems to be a labour case, call back Monday")
        ]


async def test_photos_documents_voice_notes_and_stickers_are_relayed_both_ways(
    handoff_bot, forum_api: ForumBotApi, assistant
):
    person = Person(forum_api, 5206, "my")
    async with handoff_bot() as app:
        _, _, thread = await say_human(forum_api, person)
        since = forum_api.mark()
        forum_api.message(person.user, photo=PHOTO, caption="my <contract>")
        forum_api.message(person.user, document=DOCUMENT)
        forum_api.message(person.user, voice=VOICE)  # many would rather speak than write
        forum_api.message(person.user, sticker=STICKER)
        photo, document, voice, sticker = await forum_api.wait_for(
            lambda _: (got := forum_api.media_in_topic(thread, since)) and len(got) == 4 and got
        )
        assert photo["photo"][0]["file_id"] == "photo-large" and photo["caption"] == "my &lt;contract&gt;"
        assert document["document"]["file_id"] == "document-1" and "caption" not in document
        assert voice["voice"]["file_id"] == "voice-1" and sticker["sticker"]["file_id"] == "sticker-1"

        since = forum_api.mark()
        forum_api.message(user(BURMESE_STAFF), STAFF_CHAT, photo=PHOTO, message_thread_id=thread, is_topic_message=True)
        forum_api.message(
            user(BURMESE_STAFF),
            STAFF_CHAT,
            voice=VOICE,
            caption="listen",
            message_thread_id=thread,
            is_topic_message=True,
        )
        back = await forum_api.wait_for(lambda _: (got := forum_api.media(person.id, since)) and len(got) == 2 and got)
        assert back[0]["photo"][0]["file_id"] == "photo-large"
        assert (back[1]["voice"]["file_id"], back[1]["caption"]) == ("voice-1", "listen")
        stored = await until(
            lambda: (
                len(case_messages(app)) == 6 and all(m["delivered"] for m in case_messages(app)) and case_messages(app)
            )
        )
        assert [(m["direction"], m["media_kind"], m["media_file_id"], m["text"]) for m in stored] == [
            ("user", "photo", "photo-large", "my <contract>"),
            ("user", "document", "document-1", ""),
            ("user", "voice", "voice-1", ""),
            ("user", "sticker", "sticker-1", ""),
            ("staff", "photo", "photo-large", ""),
            ("staff", "voice", "voice-1", "listen"),
        ]
        assert forum_api.sent(person.id, since) == []  # no "I can only understand written words"
