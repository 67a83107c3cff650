"""Flood control: someone sending more than ~20 messages a minute is asked once to slow down, then ignored a while.

The check runs in a handler group before all others, so a dropped update never
reaches the assistant (no NLU). Button presses count too, and are still answered
(Telegram shows a spinner until they are). Counts are per process, in memory; with
REDIS_URL set, replicas share them in Redis (bot/telegram/shared_state.py).
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable
from enum import Enum

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.answers import Reply
from bot.telegram.handlers import _language
from bot.telegram.render import send_reply
from bot.telegram.state import services

MAX_MESSAGES = 20  # per WINDOW seconds; one more and the person is asked to slow down
WINDOW = 60.0  # seconds; also how long further messages are ignored after the warning
_PRUNE_ABOVE = 10_000
FLOOD_KEY = "flood"  # the FloodGuard in application.bot_data


class Verdict(Enum):
    """What to do with one incoming message."""

    ANSWER = "answer"
    WARN = "warn"  # the first one over the limit: say "slow down", do not answer it
    DROP = "drop"  # while slowed down: ignore


class FloodGuard:
    """A sliding window of message times per user, and who is slowed down until when."""

    def __init__(self, max_messages: int = MAX_MESSAGES, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic):
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


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let the update through, or ask once to slow down and stop it before the assistant sees it."""
    chat, person = update.effective_chat, update.effective_user
    if chat is None or person is None or chat.type != ChatType.PRIVATE:
        return
    flood: FloodGuard = context.bot_data[FLOOD_KEY]  # or RedisFloodGuard
    verdict = await flood.verdict(person.id)
    if verdict is Verdict.ANSWER:
        return
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    if verdict is Verdict.WARN:
        svc = services(context)
        content = svc.assistant.store.current()
        lang = _language(svc, update)
        await send_reply(context.bot, chat.id, Reply([content.text(lang, "telegram.slow_down")]), svc.payloads)
    raise ApplicationHandlerStop

