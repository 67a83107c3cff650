"""Flood policy: more than ~20 messages a minute from one person, and they are asked once to slow down.

Counts are per process, in memory; with REDIS_URL set, replicas share them in Redis
(bot/telegram/core/redis_state.py). The handler that applies it: bot/telegram/features/flood_guard.py.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum

MAX_MESSAGES = 20  # per WINDOW seconds; one more and the person is asked to slow down
STAFF_MAX_MESSAGES = 60  # per WINDOW seconds and staff member in the staff chat (replies, presses, commands)
WINDOW = 60.0  # seconds; also how long further messages are ignored after the warning
_PRUNE_ABOVE = 10_000
FLOOD_KEY = "flood"  # the FloodGuard (or RedisFloodGuard) in application.bot_data
STAFF_FLOOD_KEY = "staff_flood"  # the staff chat's FloodGuard


class Verdict(Enum):
    """What to do with one incoming message."""

    ANSWER = "answer"
    WARN = "warn"  # the first one over the limit: say "slow down", do not answer it
    DROP = "drop"  # while slowed down: ignore


class FloodGuard:
    """A sliding window of message times per user, and who is slowed down until when."""

    def __init__(
        self, max_messages: int = MAX_MESSAGES, window: float = WINDOW, clock: Callable[[], float] = time.monotonic
    ):
        self.max_messages = max_messages
        self.window = window
        self.clock = clock
        self._times: dict[int, deque[float]] = {}
        self._quiet_until: dict[int, float] = {}

    async def verdict(self, user_id: int) -> Verdict:
        """check, with the same signature as the Redis guard shared by replicas."""
        return self.check(user_id)

    def check(self, user_id: int) -> Verdict:
        """Count one message from user_id and say whether to answer it."""
        now = self.clock()
        if self._quiet_until.get(user_id, 0.0) > now:
            return Verdict.DROP
        self._quiet_until.pop(user_id, None)
        times = self._times.setdefault(user_id, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        times.append(now)
        if len(times) > self.max_messages:
            times.clear()
            self._quiet_until[user_id] = now + self.window
            return Verdict.WARN
        self._prune(now)
        return Verdict.ANSWER

    def _prune(self, now: float) -> None:
        if len(self._times) <= _PRUNE_ABOVE:
            return
        for uid in [u for u, t in self._times.items() if not t or t[-1] <= now - self.window]:
            del self._times[uid]
        for uid in [u for u, until in self._quiet_until.items() if until <= now]:
            del self._quiet_until[uid]
