"""Handle updates of different chats at the same time, and the updates of one chat one after the other.

Replies are paced per chat (one message a second), so handling every update in
turn would make one long answer hold up everyone else. Each chat gets an
asyncio lock: PTB starts one task per update in arrival order, and a chat's lock
hands its turns out first come, first served.

An update waiting for its chat's turn holds no handling slot (MAX_CONCURRENT_UPDATES counts
only updates being handled), and a chat with MAX_WAITING_PER_CHAT updates already in line
gets the next ones dropped before they queue (the flood guard answers a dropped button press
and stops it). So one person sending hundreds of messages delays nobody else. The staff chat,
one chat for all staff, is never capped: its members have their own flood limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Collection
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.core.flood_policy import MAX_MESSAGES

MAX_CONCURRENT_UPDATES = 256  # updates being handled at once, all chats together
MAX_WAITING_PER_CHAT = MAX_MESSAGES + 1  # more than the flood limit lets through before "slow down"
WAITING = 1_000_000  # updates PTB may hand over at once; they wait here without holding a handling slot


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat (no chat: one queue); a chat's backlog capped."""

    def __init__(
        self,
        uncapped: Collection[int] = (),
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        max_waiting_per_chat: int = MAX_WAITING_PER_CHAT,
    ):
        """uncapped: chats whose backlog is never cut (the staff chat)."""
        super().__init__(WAITING)  # PTB's own limit would count updates waiting for their chat too
        self.uncapped = frozenset(uncapped)
        self.max_waiting_per_chat = max_waiting_per_chat
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._users: dict[int | None, int] = {}
        self._dropped: set[int] = set()

    def dropped(self, update: Update) -> bool:
        """Whether this update was dropped before its chat's queue (asked once, by the flood guard)."""
        if update.update_id in self._dropped:
            self._dropped.discard(update.update_id)
            return True
        return False

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's turn (holding no slot), then a slot; forget the chat's lock when nobody waits."""
        chat = update.effective_chat if isinstance(update, Update) else None
        key = chat.id if chat is not None else None
        if (
            isinstance(update, Update)
            and key not in self.uncapped
            and self._users.get(key, 0) >= self.max_waiting_per_chat
        ):
            self._dropped.add(update.update_id)  # straight to the flood guard, which stops it
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
