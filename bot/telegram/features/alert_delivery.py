"""Deliver queued alerts while the bot serves: each person's language, never in quiet hours, behind answers.

`python -m bot alerts send` fills the queue (bot/storage/alerts.py); every replica runs one
`AlertSender`, which claims a batch in the database (so no two replicas send one delivery), sends
each at ALERTS_RATE through the bot's rate limiter as a broadcast (answers to people asking go
first: bot/telegram/core/pacing.py) and records the outcome. Telegram's RetryAfter puts the
delivery back in the queue for after the wait; a person who blocked the bot (403) is unsubscribed
and everything stored about them deleted. Stopping gives unsent claims back at once; a sender
killed outright leaves them to be taken over after ALERTS_CLAIM_SECONDS.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.content.alerts import quiet_now
from bot.content.model import Content
from bot.replies import Button
from bot.settings import AlertSettings
from bot.storage import alerts as store
from bot.storage.db import safe
from bot.storage.models import utcnow
from bot.telegram.core.callback_data import ALERT_OFF
from bot.telegram.core.pacing import broadcasting
from bot.telegram.core.render import keyboard, send_html, split_html
from bot.telegram.core.services import Services
from bot.telegram.features.alerts import topic_title

log = logging.getLogger(__name__)

BATCH = 50  # deliveries claimed at once
IN_FLIGHT = 8  # sends at the same time (Telegram answers in ~0.1-0.3 s; 8 keep 25 a second going)
NETWORK_RETRY = dt.timedelta(seconds=30)  # a send that failed on the network is tried again after this


def alert_text(content: Content, region: str, alert_id: str, lang: str) -> str | None:
    """The alert as the person reads it: 🔔 title, its messages, why they get it (None: nothing to send)."""
    alert = content.alerts.get(alert_id)
    tr = alert.sendable(lang) if alert is not None else None
    if alert is None or tr is None:
        return None
    topic = topic_title(content, region, alert.topic, lang)
    return "\n\n".join([f"🔔 {tr.title}", *tr.messages, content.text(lang, "alerts.footer", topic=topic)])


class AlertSender:
    """The queue's consumer in one bot process."""

    def __init__(
        self, svc: Services, bot: Bot, settings: AlertSettings, clock: Callable[[], dt.datetime] = utcnow
    ) -> None:
        self.svc, self.bot, self.settings, self.clock = svc, bot, settings, clock
        self.limiter = AsyncLimiter(1, 1 / settings.rate)  # evenly spaced: no burst above Telegram's limit
        self._held: set[int] = set()  # claimed here, not finished yet
        self._resume = 0.0  # loop time before which nothing is sent (after a RetryAfter)

    async def run(self) -> None:
        """Deliver until cancelled; on cancel, give back what was claimed and not sent."""
        try:
            while True:
                if not await self.round():
                    await asyncio.sleep(self.settings.poll_seconds)
        finally:
            held, self._held = list(self._held), set()
            with contextlib.suppress(Exception):  # best effort: otherwise the claims lapse
                await asyncio.shield(store.release(self.svc.storage.db, held, None))

    async def round(self) -> int:
        """Claim one batch of due deliveries (none in quiet hours) and send it; the number claimed."""
        content, region = self.svc.assistant.store.current(), self.svc.region
        if quiet_now(content.region(region), self.clock()):
            return 0
        claimed = await safe(
            store.claim(self.svc.storage.db, [region], BATCH, self.settings.claim_seconds), [], "claim alerts"
        )
        self._held.update(c.id for c in claimed)
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(c: store.Claimed) -> None:
            async with gate:
                await self.deliver(c)

        await asyncio.gather(*(one(c) for c in claimed))
        return len(claimed)

    async def deliver(self, c: store.Claimed) -> None:
        """Send one claimed delivery and record what happened."""
        content = self.svc.assistant.store.current()
        alert = content.alerts.get(c.alert_id)
        text = alert_text(content, c.region, c.alert_id, c.language)
        reason = (
            "no_chat"
            if c.chat_id is None
            else "withdrawn"
            if alert is None
            else "expired"
            if alert.expired(self.clock().date())
            else "no_translation"
            if text is None
            else None
        )
        if reason is not None or alert is None or text is None or c.chat_id is None:
            await self._finish(c, "skipped", reason)
            return
        wait = self._resume - asyncio.get_running_loop().time()
        if wait > 0:  # Telegram said to wait: every sender of this process does
            await asyncio.sleep(wait)
        stop = Button(content.text(c.language, "alerts.stop_button"), ALERT_OFF + alert.topic)
        try:
            async with self.limiter:
                with broadcasting():
                    await send_html(
                        self.bot,
                        c.chat_id,
                        split_html(text),
                        keyboard([], self.svc.payloads, [stop]),
                        paid_broadcast=self.settings.paid_broadcast,
                    )
        except RetryAfter as error:
            after = error.retry_after
            seconds = after.total_seconds() if isinstance(after, dt.timedelta) else float(after)
            self._resume = asyncio.get_running_loop().time() + seconds
            await self._release(c, self.clock() + dt.timedelta(seconds=seconds))
            return
        except Forbidden:  # blocked the bot, or deleted their account: stop and delete everything about them
            await self._finish(c, "blocked")
            await self.svc.storage.forget(c.pseudonym, c.chat_id)
            return
        except BadRequest as error:  # e.g. the chat no longer exists
            log.warning("Alert not delivered: %s", error.message)
            await self._finish(c, "skipped", "bad_request")
            return
        except NetworkError as error:  # timed out or unreachable: try again later
            log.warning("Alert delivery failed, tried again later: %s", error)
            await self._release(c, self.clock() + NETWORK_RETRY)
            return
        await self._finish(c, "sent")

    async def _finish(self, c: store.Claimed, state: str, reason: str | None = None) -> None:
        await safe(store.finish(self.svc.storage.db, c.id, state, reason), None, "record an alert delivery")
        self._held.discard(c.id)

    async def _release(self, c: store.Claimed, not_before: dt.datetime) -> None:
        await safe(store.release(self.svc.storage.db, [c.id], not_before), None, "requeue an alert")
        self._held.discard(c.id)
