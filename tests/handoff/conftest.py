"""Fixtures: a fake Bot API with a staff supergroup (forum topics), and the bot with the handoff on."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.telegram.conftest import TOKEN, telegram_settings
from tests.telegram.fake_bot_api import MEDIA_METHODS, FakeBotApi, user

STAFF_CHAT_ID = -1001234567890
STAFF_CHAT = {"id": STAFF_CHAT_ID, "type": "supergroup", "title": "Staff", "is_forum": True}
BURMESE_STAFF, THAI_SUPERVISOR, OUTSIDER = 900001, 900002, 900003
SUNDAY_NOON = datetime(2026, 11, 29, 5, 0, tzinfo=timezone.utc)  # 12:00 in Bangkok, a Sunday
ROSTER = f"""
time_zone: Asia/Bangkok
staff:
  - id: {BURMESE_STAFF}
    name: Aung <Ko>
    role: staff
    languages: [my]
    hours:
      my: ["mon-sun 00:00-24:00"]
  - id: {THAI_SUPERVISOR}
    role: supervisor
    languages: [th, en]
    hours:
      th: ["mon-fri 09:00-17:00"]
"""


class ForumBotApi(FakeBotApi):
    """The fake Bot API plus forum topics: createForumTopic, closeForumTopic, message_thread_id."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self._thread_ids = itertools.count(501)
        self._chats[STAFF_CHAT_ID] = STAFF_CHAT

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "createforumtopic":
            return {"message_thread_id": next(self._thread_ids), "name": params["name"], "icon_color": 7322096}
        if method in ("closeforumtopic", "reopenforumtopic", "editforumtopic"):
            return True
        result = super()._result(method, params)
        if (method == "sendmessage" or method in MEDIA_METHODS) and params.get("message_thread_id"):
            result.update(message_thread_id=params["message_thread_id"], is_topic_message=True)
        return result

    def topics(self, since: int = 0) -> list[dict[str, Any]]:
        """The forum topics the bot created (the fake's answers)."""
        return [c.result for c in self.called("createForumTopic", since)]

    def in_topic(self, thread_id: int, since: int = 0) -> list[dict[str, Any]]:
        """The messages the bot sent into one forum topic of the staff chat."""
        return [m for m in self.sent(STAFF_CHAT_ID, since) if m.get("message_thread_id") == thread_id]

    def media_in_topic(self, thread_id: int, since: int = 0) -> list[dict[str, Any]]:
        """The media the bot sent into one forum topic of the staff chat."""
        return [m for m in self.media(STAFF_CHAT_ID, since) if m.get("message_thread_id") == thread_id]

    def in_general(self, since: int = 0) -> list[dict[str, Any]]:
        """The messages the bot sent into the staff chat outside any topic."""
        return [m for m in self.sent(STAFF_CHAT_ID, since) if not m.get("message_thread_id")]

    def staff_says(self, uid: int, thread_id: int, text: str) -> None:
        """Queue a message written by uid in a topic of the staff chat."""
        self.message(user(uid), STAFF_CHAT, text=text, message_thread_id=thread_id, is_topic_message=True)

    async def wait_in_topic(self, thread_id: int, since: int, count: int) -> list[dict[str, Any]]:
        """Wait until count messages went into the topic (from call number since on)."""
        def ready(_: object) -> list[dict[str, Any]] | None:
            got = self.in_topic(thread_id, since)
            return got if len(got) >= count else None

        return await self.wait_for(ready)  # type: ignore[no-any-return]


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
async def handoff_bot(assistant: Any, forum_api: ForumBotApi, content_copy: Path, tmp_path: Path,
                      roster_file: Path) -> AsyncIterator[BotRunner]:
    """Start the real Application (real assistant) on forum_api: `async with handoff_bot() as app: ...`.

    Each `async with` is a fresh Application on the same database: a restart. staff=False leaves
    STAFF_CHAT_ID unset; now fixes the clock the roster is read with; database_url replaces the SQLite file.
    Afterwards the Rasa conversations of every case are resumed: the assistant (and its trackers) is
    shared by the whole session, and a case left open would leave its conversation paused.
    """
    import sqlalchemy as sa

    from bot.telegram import build_application, running
    from bot.telegram.handoff.service import HANDOFF_KEY

    people: set[str] = set()

    @asynccontextmanager
    async def start(staff: bool = True, now: datetime = SUNDAY_NOON, database_url: str | None = None
                    ) -> AsyncIterator[Any]:
        env = {"STAFF_CHAT_ID": str(STAFF_CHAT_ID), "STAFF_ROSTER": str(roster_file)} if staff else {}
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
