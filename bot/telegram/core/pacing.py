"""Pace what the bot sends: at most one message per second per chat, in order, other chats not held up.

Telegram allows about one message a second in one chat (and 30 a second overall,
which AIORateLimiter keeps). The pacing lives in the rate limiter, so every `send*`
call of the bot is paced, whichever handler makes it. With REDIS_URL the chats' send
times are shared by replicas (bot/telegram/core/redis_state.py).

A group (the staff supergroup: every forum topic is the same group) takes about 20 messages a minute:
the pacer keeps at most GROUP_MESSAGES in any GROUP_WINDOW seconds per group (a sliding window, with a
second's margin for network jitter), so a burst never earns a 429 — after which PTB's limiter pauses
*every* request of the bot, private chats too, for the whole retry_after. With REDIS_URL the window is
shared by the replicas (Redis keeps the group's reserved send times); without it, it is per process.

Broadcasts (alerts) go behind answers: a send made inside `broadcasting()` waits while any
other send is waiting for the overall limit, so a person asking now never queues behind an alert
(and alerts are paced under 30 a second by their sender, leaving answers a margin).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import Any

from telegram.ext import AIORateLimiter

CHAT_INTERVAL = 1.0  # seconds between two messages to one chat
GROUP_MESSAGES = 20  # at most, in any GROUP_WINDOW seconds, into one group (Telegram: about 20 a minute)
GROUP_WINDOW = 61.0  # a minute, and a second's margin: what Telegram counts is when the messages arrive
_PRUNE_ABOVE = 1000  # chats remembered before idle ones are dropped
_BROADCAST: contextvars.ContextVar[bool] = contextvars.ContextVar("broadcast", default=False)


@contextlib.contextmanager
def broadcasting() -> Iterator[None]:
    """Mark the sends made inside (in this task) as a broadcast: they yield to every other send."""
    token = _BROADCAST.set(True)
    try:
        yield
    finally:
        _BROADCAST.reset(token)


class ChatPacer:
    """Per-chat turns with plain asyncio: one lock per chat, and when the chat may get its next message."""

    def __init__(
        self,
        interval: float = CHAT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        shared: Any = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        """shared: a RedisSlots (bot/telegram/core/redis_state.py) when replicas share the chats' send times."""
        self.interval = interval
        self.clock = clock
        self.sleep = sleep  # tests move their clock instead
        self.shared = shared
        self._locks: dict[int | str, asyncio.Lock] = {}
        self._users: dict[int | str, int] = {}  # senders holding or waiting for each lock
        self._next: dict[int | str, float] = {}
        self._group_sends: dict[int | str, deque[float]] = {}  # reserved send times per group, last window

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int | str) -> AsyncIterator[None]:
        """Wait until chat_id may get a message (earlier callers first), and hold the chat while sending."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                delay = await self._shared_delay(chat_id)
                if delay is None:  # this process's memory: alone, or Redis unreachable
                    now = self.clock()
                    delay = self._next.get(chat_id, 0.0) - now
                    self._next[chat_id] = now + max(delay, 0.0) + self.interval
                    if is_group(chat_id):
                        delay = self._group_delay(chat_id, max(delay, 0.0))
                if delay > 0:
                    await self.sleep(delay)
                yield
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:  # nobody holds or waits: the lock can go
                del self._users[chat_id], self._locks[chat_id]
            self._prune()

    async def _shared_delay(self, chat_id: int | str) -> float | None:
        """The wait reserved in Redis (a group's window too), for every replica; None: pace in memory."""
        if self.shared is None:
            return None
        if is_group(chat_id):
            return await self.shared.reserve_group(chat_id, self.interval, GROUP_MESSAGES, GROUP_WINDOW)
        return await self.shared.reserve(chat_id, self.interval)

    def _group_delay(self, chat_id: int | str, delay: float) -> float:
        """The delay (at least delay) that keeps the group within GROUP_MESSAGES per GROUP_WINDOW; reserved."""
        now = self.clock()
        at = now + delay
        sends = self._group_sends.setdefault(chat_id, deque())
        while sends and sends[0] <= at - GROUP_WINDOW:
            sends.popleft()
        if len(sends) >= GROUP_MESSAGES:
            at = sends.popleft() + GROUP_WINDOW
        sends.append(at)
        self._next[chat_id] = max(self._next.get(chat_id, 0.0), at + self.interval)
        return at - now

    def _prune(self) -> None:
        """Forget send times that no longer delay anything, so memory stays small."""
        if len(self._next) > _PRUNE_ABOVE:
            now = self.clock()
            for chat_id in [c for c, at in self._next.items() if at <= now]:
                del self._next[chat_id]


def is_group(chat_id: int | str) -> bool:
    """Whether a chat id is a group's (negative, or a @username: channels and supergroups), not a private chat."""
    return isinstance(chat_id, str) or chat_id < 0


class _Counted:
    """An answer's request, counted as waiting from its creation until the overall limiter lets it through."""

    def __init__(self, limiter: PacedRateLimiter, callback: Callable[..., Coroutine[Any, Any, Any]]) -> None:
        self.limiter, self.callback, self.waiting = limiter, callback, True
        limiter.live += 1
        limiter._no_live.clear()

    def done(self) -> None:
        """Stop counting it (once)."""
        if self.waiting:
            self.waiting = False
            self.limiter._live_done()

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Through the limiter: no longer waiting; make the request."""
        self.done()
        return await self.callback(*args, **kwargs)


class PacedRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (global limit, 429 retries) plus one message per second per chat."""

    def __init__(self, pacer: ChatPacer | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.pacer = pacer or ChatPacer()
        self.live = 0  # sends to people (not broadcasts) waiting for the overall limit
        self._no_live = asyncio.Event()
        self._no_live.set()

    async def _broadcast_turn(self, paid: bool) -> None:
        """A broadcast waits until no answer waits for the overall limit and the limit has room at once.

        So a broadcast never queues inside the limiter, where an answer coming later would wait behind it.
        """
        limiter = self._apb_limiter if paid else self._base_limiter  # AIORateLimiter's own limiters
        while True:
            while self.live:
                await self._no_live.wait()
            if limiter is None or limiter.has_capacity():
                return  # process_request takes the room without waiting: no answer can slip in between
            await asyncio.sleep(1 / limiter.max_rate)

    def _live_done(self) -> None:
        self.live -= 1
        if not self.live:
            self._no_live.set()

    async def process_request(  # noqa: PLR0913 (PTB's signature)
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the chat's turn before a send* call, then let AIORateLimiter do the rest."""
        chat_id = data.get("chat_id")
        if chat_id is None or not endpoint.startswith("send") or endpoint == "sendChatAction":
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        async with self.pacer.turn(chat_id):
            if _BROADCAST.get():
                await self._broadcast_turn(bool(data.get("allow_paid_broadcast")))
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            counted = _Counted(self, callback)
            try:
                return await super().process_request(counted, args, kwargs, endpoint, data, rate_limit_args)
            finally:
                counted.done()  # never got through: cancelled or failed
