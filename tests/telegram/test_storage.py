"""The Telegram bot's state in the database: language kept across restarts, /forget, a database outage."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.assistant import Assistant
from bot.privacy.chat_seal import ChatSeal
from bot.privacy.pseudonym import pseudonym
from bot.replies import contacts, language_payload
from bot.storage.db import Database, sqlite_url
from bot.telegram.core.callback_data import FORGET_YES
from bot.telegram.core.chat_store import ChatMemory, TelegramStorage
from bot.telegram.core.render import escape
from tests.helpers.telegram import SECRET, Person, telegram_settings

pytestmark = pytest.mark.asyncio(loop_scope="session")

DOWN_URL = "postgresql://postgres@127.0.0.1:1/nothing"  # nothing listens on port 1


def rows(url: str, person: str) -> dict[str, int]:
    """How many rows each table holds about a person (Rasa's `events` by sender id)."""
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            count = {
                table: conn.execute(
                    sa.text(f"SELECT count(*) FROM {table} WHERE pseudonym = :p"), {"p": person}
                ).scalar_one()
                for table in ("users", "telegram_chats")
            }
            count["events"] = conn.execute(
                sa.text("SELECT count(*) FROM events WHERE sender_id = :p"), {"p": person}
            ).scalar_one()
        return count
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend (PostgreSQL only when TEST_POSTGRES_URL is set)."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "db")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def stored_assistant(
    assistant: Any, model_path: Path, content_copy: Path, tmp_path: Path, database_url: str
) -> AsyncIterator[Assistant]:
    """The assistant as `run` starts it, Rasa's tracker store on database_url (the session's action server)."""
    from bot.wiring import open_assistant

    settings = telegram_settings(content_copy, tmp_path, ACTION_SERVER_URL=assistant.client.action_url)
    async with open_assistant(settings, model_path, database_url=database_url) as stored:
        assert type(stored.client.tracker_store).__name__ == "ThreadedSQLTrackerStore"
        yield stored
        stored.client.tracker_store.engine.dispose()


async def test_the_language_is_stored_and_survives_a_restart(assistant, bot_api, content_copy: Path, tmp_path: Path):
    from bot.telegram import build_application, running

    content = assistant.store.current()
    settings = telegram_settings(content_copy, tmp_path)
    person = Person(bot_api, 4001, "en")
    async with running(build_application(settings, assistant, base_url=bot_api.url), poll_timeout=1):
        [welcome] = await person.say("/start")
        await person.press(welcome, language_payload("ar"))
    url = sqlite_url(tmp_path)
    engine = sa.create_engine(url, future=True)
    with engine.connect() as conn:
        user = conn.execute(sa.text("SELECT * FROM users")).mappings().one()
        chat = conn.execute(sa.text("SELECT * FROM telegram_chats")).mappings().one()
    engine.dispose()
    assert user["pseudonym"] == chat["pseudonym"] == pseudonym(SECRET, 4001)
    assert user["language"] == "ar" and user["first_contact"] is not None
    assert "4001" not in chat["chat_id"] and ChatSeal(SECRET).open(chat["chat_id"]) == 4001  # sealed at rest

    # a new process (nothing in memory) answers in the stored language, not the Telegram app's
    async with running(build_application(settings, assistant, base_url=bot_api.url), poll_timeout=1):
        [helptext] = await person.say("/help")
    assert helptext["text"].startswith(escape(content.text("ar", "telegram.help")))


async def test_forget_deletes_the_rows_and_the_rasa_conversation(
    stored_assistant, bot_api, database_url: str, content_copy: Path, tmp_path: Path
):
    from bot.telegram import build_application, running

    content = stored_assistant.store.current()
    settings = telegram_settings(content_copy, tmp_path, DATABASE_URL=database_url)
    app = build_application(settings, stored_assistant, base_url=bot_api.url)
    leaving, staying = Person(bot_api, 4101, "fr"), Person(bot_api, 4102, "es")
    async with running(app, poll_timeout=1):
        await leaving.say("/menu")
        await staying.say("/menu")
        before = rows(database_url, pseudonym(SECRET, 4101))
        assert before["users"] == before["telegram_chats"] == 1 and before["events"] > 0
        [question] = await leaving.say("/forget")
        [done] = await leaving.press(question, FORGET_YES, count=1)
    assert done["text"] == escape(content.text("fr", "forget.done"))
    assert rows(database_url, pseudonym(SECRET, 4101)) == {"users": 0, "telegram_chats": 0, "events": 0}
    kept = rows(database_url, pseudonym(SECRET, 4102))
    assert kept["users"] == kept["telegram_chats"] == 1 and kept["events"] > 0


async def test_database_down_answers_with_defaults_and_logs_it(
    assistant, bot_api, content_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    from bot.telegram import build_application, running

    content = assistant.store.current()
    settings = telegram_settings(content_copy, tmp_path, DATABASE_URL=DOWN_URL)
    person = Person(bot_api, 4201, "es")
    with caplog.at_level(logging.WARNING):
        async with running(build_application(settings, assistant, base_url=bot_api.url), poll_timeout=1):
            [languages] = await person.say("/language")
            assert languages["text"] == escape(content.text("es", "language.menu"))  # the Telegram app's
            await person.press(languages, language_payload("ar"))
            [helptext] = await person.say("/help")  # this process remembers the choice
            assert helptext["text"].startswith(escape(content.text("ar", "telegram.help")))
            [question] = await person.say("/forget")
            [failed] = await person.press(question, FORGET_YES, count=1)  # not "done": the rows are still there
            assert failed["text"] == escape(contacts(content, "es-barcelona", "ar", "error.unavailable"))
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("Database unavailable at start-up" in m for m in logged), logged
    assert any("could not purge expired rows" in m for m in logged), logged
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "daily-purge"]  # started, and stopped with the bot
    for what in ("read preferences", "save preferences", "forget a user"):  # not tried again at once: no delay
        assert any(f"skipped: {what}" in m for m in logged), (what, logged)
    assert not any("Handling a Telegram update failed" in m for m in logged), logged


async def test_after_an_outage_the_database_is_tried_again_after_a_pause(caplog: pytest.LogCaptureFixture):
    now = [1000.0]
    storage = TelegramStorage(Database(DOWN_URL), ChatMemory(), outage_pause=30, clock=lambda: now[0])
    storage.memory.languages[1] = "ar"
    with caplog.at_level(logging.WARNING):
        await storage.load("a" * 64, 1)
        now[0] += 29  # within the pause: skipped
        await storage.load("a" * 64, 1)
        now[0] += 2  # past it: tried again
        assert not await storage.forget("a" * 64, 1)
    logged = [r.getMessage() for r in caplog.records]
    assert sum("could not read preferences" in m for m in logged) == 1
    assert sum("skipped: read preferences" in m for m in logged) == 1
    assert sum("could not forget a user" in m for m in logged) == 1
    assert storage.memory.languages == {}  # forgotten here even so
    storage.db.close()


class KeepingClient:
    """The real Rasa client, except that deleting a conversation keeps it (as a tracker store ignoring a replace)."""

    def __init__(self, inner: Any):
        self.inner = inner

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        return await self.inner.send(sender_id, text, metadata)  # type: ignore[no-any-return]

    async def forget(self, sender_id: str) -> None:
        """Kept: nothing deleted."""

    async def events(self, sender_id: str) -> list[dict[str, Any]]:
        return await self.inner.events(sender_id)  # type: ignore[no-any-return]

    async def append_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        await self.inner.append_events(sender_id, events)


async def test_forget_never_says_done_while_rasa_still_holds_the_conversation(
    assistant, bot_api, content_copy: Path, tmp_path: Path
):
    from bot.telegram import build_application, running

    keeping = Assistant(assistant.store, KeepingClient(assistant.client), assistant.detector, assistant.region)
    app = build_application(telegram_settings(content_copy, tmp_path), keeping, base_url=bot_api.url)
    content = assistant.store.current()
    async with running(app, poll_timeout=1):
        person = Person(bot_api, 7101, "es")
        await person.say("¿cómo me empadrono?")
        [question] = await person.say("/forget")
        [reply] = await person.press(question, FORGET_YES, count=1)
    assert reply["text"] == escape(content.text("es", "forget.incomplete"))  # read back: not "done"
    assert await assistant.client.events(pseudonym(SECRET, 7101))  # indeed still there
    await assistant.client.forget(pseudonym(SECRET, 7101))
