"""Fixtures: a fake Bot API with a staff supergroup (forum topics), and the bot with the handoff on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.forum import ROSTER, STAFF_CHAT_ID, SUNDAY_NOON, ForumBotApi
from tests.helpers.telegram import TOKEN, telegram_settings


@pytest.fixture
async def forum_api() -> AsyncIterator[ForumBotApi]:
    api = ForumBotApi(TOKEN)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "staff.yml"
    path.write_text(ROSTER, encoding="utf-8")
    return path


BotRunner = Callable[..., AbstractAsyncContextManager[Any]]


@pytest.fixture
async def handoff_bot(
    assistant: Any, forum_api: ForumBotApi, content_copy: Path, tmp_path: Path, roster_file: Path
) -> AsyncIterator[BotRunner]:
    """Start the real Application (real assistant) on forum_api: `async with handoff_bot() as app: ...`.

    Each `async with` is a fresh Application on the same database: a restart. staff=False leaves
    STAFF_CHAT_ID unset; now fixes the clock the roster is read with; database_url replaces the SQLite file;
    more_env adds settings (REDIS_URL=...).
    Afterwards the Rasa conversations of every case are resumed: the assistant (and its trackers) is
    shared by the whole session, and a case left open would leave its conversation paused.
    """
    import sqlalchemy as sa

    from bot.telegram import build_application, running
    from bot.telegram.handoff.service import HANDOFF_KEY

    people: set[str] = set()

    @asynccontextmanager
    async def start(
        staff: bool = True, now: datetime = SUNDAY_NOON, database_url: str | None = None, **more_env: str
    ) -> AsyncIterator[Any]:
        env = {"STAFF_CHAT_ID": str(STAFF_CHAT_ID), "STAFF_ROSTER": str(roster_file)} if staff else {}
        env.update(more_env)
        if database_url:
            env["DATABASE_URL"] = database_url
        app = build_application(telegram_settings(content_copy, tmp_path, **env), assistant, base_url=forum_api.url)
        if staff:
            app.bot_data[HANDOFF_KEY].clock = lambda: now
        try:
            async with running(app, poll_timeout=1):
                yield app
        finally:
            with app.bot_data["services"].storage.db.engine.connect() as conn:
                people.update(conn.execute(sa.text("SELECT pseudonym FROM cases")).scalars())

    yield start
    for person in people:
        await assistant.client.append_events(person, [{"event": "resume"}])


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """The bot's DATABASE_URL: None (the SQLite file), then a fresh PostgreSQL schema (skipped without
    TEST_POSTGRES_URL)."""
    return None if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))
