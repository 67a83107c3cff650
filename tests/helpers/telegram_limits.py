"""Telegram's send limits for the fake Bot API: per group, per private chat and per bot, 429 beyond them.

Telegram documents them loosely ("about 20 messages a minute in one group", "avoid more than one
message a second in one chat", "about 30 messages a second" overall); the fake enforces them as sliding
windows, every forum topic of a supergroup counting for the group. A send over a limit is answered
as Telegram does: 429 Too Many Requests with `retry_after`, the seconds until the window has room.
Off unless a test or benchmark sets `FakeBotApi.limits = TelegramLimits()`.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PRIVATE_SLACK = 0.05  # seconds of jitter forgiven on the one-a-second limit of a private chat


@dataclass(frozen=True)
class Window:
    """At most `count` sends in any `seconds`."""

    count: int
    seconds: float


@dataclass
class TelegramLimits:
    """Sliding windows of successful sends: per group (chat id < 0), per private chat, and for the whole bot."""

    group: Window | None = Window(20, 60.0)
    private: Window | None = Window(1, 1.0 - PRIVATE_SLACK)
    bot: Window | None = Window(30, 1.0)
    clock: Callable[[], float] = time.monotonic
    refused: int = 0  # sends answered with a 429
    _sends: dict[int | str, deque[float]] = field(default_factory=dict)
    _all: deque[float] = field(default_factory=deque)

    def check(self, chat_id: int | str | None) -> dict[str, Any] | None:
        """Count one send to chat_id and give None, or Telegram's 429 (not counted) when over a limit."""
        now = self.clock()
        group = isinstance(chat_id, str) or (chat_id is not None and chat_id < 0)
        chat_window = self.group if group else self.private
        chat_sends = self._sends.setdefault(chat_id if chat_id is not None else 0, deque())
        wait = max(_wait(self._all, self.bot, now), _wait(chat_sends, chat_window, now))
        if wait > 0:
            self.refused += 1
            seconds = max(1, math.ceil(wait))
            return {
                "error_code": 429,
                "description": f"Too Many Requests: retry after {seconds}",
                "parameters": {"retry_after": seconds},
            }
        self._all.append(now)
        chat_sends.append(now)
        return None


def _wait(sends: deque[float], window: Window | None, now: float) -> float:
    """Seconds until one more send fits in the window (0: it fits now); old sends are dropped."""
    if window is None:
        return 0.0
    while sends and sends[0] <= now - window.seconds:
        sends.popleft()
    if len(sends) < window.count:
        return 0.0
    return sends[0] + window.seconds - now
