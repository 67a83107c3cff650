"""Message kinds and limits over the fake Bot API: non-text, very long, groups, escaping, 429."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from bot.replies import MENU_PAYLOAD, contacts
from bot.telegram.core.render import escape
from tests.helpers.fake_bot_api import group_chat, user
from tests.helpers.telegram import Person, buttons

pytestmark = pytest.mark.asyncio(loop_scope="session")

NOT_TEXT = {
    "voice": {"file_id": "v1", "file_unique_id": "uv1", "duration": 3},
    "photo": [{"file_id": "p1", "file_unique_id": "up1", "width": 90, "height": 90}],
    "sticker": {
        "file_id": "s1",
        "file_unique_id": "us1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    },
    "document": {"file_id": "d1", "file_unique_id": "ud1", "file_name": "passport.pdf"},
    "location": {"latitude": 41.38, "longitude": 2.17},
    "contact": {"phone_number": "+34600000000", "first_name": "A"},
}


async def test_non_text_messages_get_the_text_only_reply_with_menu_and_hotlines(telegram, assistant):
    content = assistant.store.current()
    person = Person(telegram, 1004, "fr")
    expected = escape(contacts(content, "es-barcelona", "fr", "telegram.text_only"))
    assert "112" in expected
    for kind, value in NOT_TEXT.items():
        [reply] = await person.send(**{kind: value})
        assert reply["text"] == expected, kind
        assert [b["callback_data"] for b in buttons(reply)] == [MENU_PAYLOAD]
    assert not telegram.called("getFile")


async def test_a_10000_character_message_gets_an_answer(telegram, assistant):
    content = assistant.store.current()
    replies = await Person(telegram, 1005, "es").say(("necesito ir al médico y no tengo papeles " * 250)[:10_000])
    [reply] = replies  # the note and the answer: one message
    assert reply["text"].startswith(escape(content.text("es", "error.too_long")) + "\n\n")
    assert len(reply["text"]) > len(escape(content.text("es", "error.too_long"))) + 20 and buttons(reply)


async def test_groups_are_told_once_then_ignored(telegram, assistant):
    content = assistant.store.current()
    group, member = group_chat(-5001), user(1006, "es")
    since = telegram.mark()
    for text in ("hola a todos", "/menu", "¿dónde está el médico?"):
        telegram.text(member, text, chat=group)
    # A chat's updates are handled in order: once a later button press there is answered, the texts are done.
    query = telegram.press(member, {"message_id": 1, "date": 0, "chat": group, "text": "?"}, MENU_PAYLOAD)
    await telegram.wait_for(lambda calls: any(c.params.get("callback_query_id") == query for c in calls[since:]))
    notices = telegram.sent(-5001, since)
    assert [m["text"] for m in notices] == [escape(content.text("es", "telegram.private_only"))]


async def _wait_for_text(assistant, lang: str, string_id: str, text: str) -> None:
    """Wait (up to 20 s) until the content store serves the edited string."""

    async def served() -> None:
        while assistant.store.current().text(lang, string_id) != text:
            await asyncio.sleep(0.2)

    await asyncio.wait_for(served(), 20)


async def test_content_is_escaped_and_long_texts_split_in_order(telegram, assistant, content_copy: Path):
    ui = content_copy / "ui" / "en.yml"
    original = ui.read_text(encoding="utf-8")
    block = re.search(r"^telegram\.help: >-\n(?:  .*\n)+", original, re.M)
    assert block
    marked = "<b>Read this</b> & that. " + "word " * 1200 + "THE END"
    ui.write_text(original.replace(block.group(0), f"telegram.help: {json.dumps(marked)}\n"), encoding="utf-8")
    try:
        await _wait_for_text(assistant, "en", "telegram.help", marked)
        replies = await Person(telegram, 1008, "en").say("/help")
    finally:
        ui.write_text(original, encoding="utf-8")
    assert len(replies) == 2
    assert replies[0]["text"].startswith("&lt;b&gt;Read this&lt;/b&gt; &amp; that. word")
    assert "THE END" in replies[1]["text"] and "/forget" in replies[1]["text"]
    assert not buttons(replies[0]) and buttons(replies[1])
    original_help = " ".join(block.group(0).split(">-", 1)[1].split())
    await _wait_for_text(assistant, "en", "telegram.help", original_help)


async def test_flood_wait_is_retried_not_dropped(telegram, assistant):
    content = assistant.store.current()
    telegram.fail_next(
        "sendMessage",
        {"error_code": 429, "description": "Too Many Requests: retry after 1", "parameters": {"retry_after": 1}},
    )
    since = telegram.mark()
    [reply] = await Person(telegram, 1009, "en").say("/language")
    assert reply["text"] == escape(content.text("en", "language.menu"))
    attempts = [c for c in telegram.called("sendMessage", since) if c.params["chat_id"] == 1009]
    assert len(attempts) == 2 and attempts[0].result is None
