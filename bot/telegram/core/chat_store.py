"""The Telegram front end's state in the database: language, first contact, where to send replies.

The database is the truth; `ChatMemory` only caches what was read for the update
being handled, and stands in for it while the database is down (answering goes
on, with defaults for people not seen by this process, and the error is logged).
After an outage the database is left alone for a short pause, so an unreachable
server (each attempt can wait for the connect timeout) does not slow every answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from bot.storage.db import OUTAGES, Database, outage_reason, safe
from bot.storage.purge import DAY, purge_daily

if TYPE_CHECKING:
    from bot.storage.db import Preferences

log = logging.getLogger(__name__)

OUTAGE_PAUSE = 30.0  # seconds without trying the database after it failed
_DOWN: Any = object()  # what an operation gives when the database is unreachable
T = TypeVar("T")


@dataclass
class ChatMemory:
    """Per-chat state: the conversation language (a cache of the database) and groups told we work in private."""

    languages: dict[int, str] = field(default_factory=dict)
    told_private_only: set[int] = field(default_factory=set)

    def forget(self, chat_id: int) -> None:
        """Drop everything kept about one chat."""
        self.languages.pop(chat_id, None)


class TelegramStorage:
    """Preferences and chats through `Database`, never stopping an answer; the daily purge while running."""

    def __init__(
        self,
        db: Database,
        memory: ChatMemory,
        purge_every: float = DAY,
        outage_pause: float = OUTAGE_PAUSE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """purge_every: seconds between retention purges (the first runs at start); clock: seconds (tests)."""
        self.db = db
        self.memory = memory
        self.purge_every = purge_every
        self.outage_pause = outage_pause
        self.clock = clock
        self._down_until = 0.0
        self._purge: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Bring the schema up to date and start the daily purge; a database outage is logged, not fatal."""
        try:
            await asyncio.to_thread(self.db.migrate)
        except OUTAGES as error:
            log.error("Database unavailable at start-up, answering with defaults: %s", outage_reason(error))
            self._down_until = self.clock() + self.outage_pause
        self._purge = asyncio.create_task(purge_daily(self.db, self.purge_every), name="daily-purge")

    async def stop(self) -> None:
        """Stop the daily purge and close the connections."""
        if self._purge is not None:
            self._purge.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purge
            self._purge = None
        self.db.close()

    async def __aenter__(self) -> TelegramStorage:
        """Start (see start)."""
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop (see stop)."""
        await self.stop()

    async def attempt(self, operation: Coroutine[Any, Any, T], what: str) -> T:
        """Run a database operation; _DOWN (logged) on an outage, or at once during the pause after one."""
        if self.clock() < self._down_until:
            operation.close()
            log.warning("Database unavailable, skipped: %s (trying again soon)", what)
            return _DOWN
        result = await safe(operation, _DOWN, what)
        if result is _DOWN:
            self._down_until = self.clock() + self.outage_pause
        return result

    async def load(self, person: str, chat_id: int) -> None:
        """Read the person's stored language into memory, and record their chat (first contact if new)."""
        prefs: Preferences | None = await self.attempt(self.db.get_preferences(person), "read preferences")
        if prefs is _DOWN:
            return  # keep what this process knows
        if prefs is not None and prefs.language:
            self.memory.languages[chat_id] = prefs.language
        else:  # unknown, forgotten, or no choice yet (perhaps on another replica)
            self.memory.languages.pop(chat_id, None)
        await self.attempt(self.db.remember_chat(person, chat_id), "record the chat")

    async def set_language(self, person: str, chat_id: int, language: str) -> None:
        """Store the person's language if it changed."""
        if self.memory.languages.get(chat_id) == language:
            return
        self.memory.languages[chat_id] = language
        await self.attempt(self.db.save_preferences(person, language, None), "save preferences")

    async def forget(self, person: str, chat_id: int) -> bool:
        """Delete the person's rows (Rasa's events in this database included); False if the database is down."""
        self.memory.forget(chat_id)
        return await self.attempt(self.db.forget(person), "forget a user") is not _DOWN
