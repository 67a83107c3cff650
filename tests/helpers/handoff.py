"""Helpers for the handoff's end-to-end tests: what the person is told, the stored cases, staff presses."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bot.telegram.core.render import escape
from tests.helpers.fake_bot_api import user
from tests.helpers.forum import STAFF_CHAT_ID, ForumBotApi
from tests.helpers.telegram import Person


def text_of(content: Any, lang: str, string_id: str, **values: Any) -> str:
    """A UI string as the bot sends it (escaped HTML)."""
    return escape(content.text(lang, string_id, **values))


def waiting(content: Any, lang: str, text: str, position: int = 1) -> str:
    """What the person is told when their case opens: text, then their place in the queue (escaped)."""
    return escape(f"{text}\n\n{content.text(lang, 'handoff.case.position', position=position)}")


def cases(app: Any) -> list[Any]:
    """The cases table of the running bot, oldest first."""
    engine = app.bot_data["services"].storage.db.engine
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT * FROM cases ORDER BY id")).mappings())


def case_messages(app: Any) -> list[Any]:
    """The case_messages table of the running bot, oldest first."""
    engine = app.bot_data["services"].storage.db.engine
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT * FROM case_messages ORDER BY id")).mappings())


async def escalate(
    api: ForumBotApi, person: Person, chat_id: int = STAFF_CHAT_ID
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """/human → (the person's reply, the summary card, the forum topic's thread id); the topic in chat_id."""
    since = api.mark()
    [reply] = await person.say("/human", count=1)
    [topic] = api.topics(since, chat_id)
    [card] = api.in_topic(topic["message_thread_id"], since, chat_id)
    return reply, card, topic["message_thread_id"]


async def press_as(api: ForumBotApi, uid: int, message: dict[str, Any], data: str, chat_id: int = STAFF_CHAT_ID) -> str:
    """Press a button of the staff chat (or of group chat_id) as uid; wait until the press is answered; the query id."""
    query_id = api.press(user(uid), api.stored_message(chat_id, message["message_id"]), data)
    await api.wait_for(
        lambda _: any(c.params["callback_query_id"] == query_id for c in api.called("answerCallbackQuery"))
    )
    return query_id
