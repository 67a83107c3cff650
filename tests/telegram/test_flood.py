"""Flood control: more than 20 messages a minute → one "slow down", and the rest never reach Rasa."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.assistant import Assistant
from bot.telegram.core.flood_policy import MAX_MESSAGES, FloodGuard, Verdict
from bot.telegram.core.render import escape
from tests.helpers.fake_bot_api import user
from tests.helpers.telegram import Person, telegram_settings

pytestmark = pytest.mark.asyncio(loop_scope="session")


class CountingClient:
    """The real Rasa client, counting the messages that reach it."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.texts: list[str] = []

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        self.texts.append(text)
        return await self.inner.send(sender_id, text, metadata)  # type: ignore[no-any-return]

    async def forget(self, sender_id: str) -> None:
        await self.inner.forget(sender_id)

    async def events(self, sender_id: str) -> list[dict[str, Any]]:
        return await self.inner.events(sender_id)  # type: ignore[no-any-return]


def test_the_guard_warns_once_then_drops_until_the_window_is_over():
    now = [0.0]
    flood = FloodGuard(max_messages=3, window=60, clock=lambda: now[0])
    verdicts = []
    for _ in range(6):
        verdicts.append(flood.check(1))
        now[0] += 1
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert flood.check(2) is Verdict.ANSWER  # someone else is not slowed down
    now[0] = 3 + 60  # a minute after the warning
    assert flood.check(1) is Verdict.ANSWER


async def test_a_flood_gets_one_slow_down_and_is_not_run_through_nlu(
    assistant, bot_api, content_copy: Path, tmp_path: Path
):
    from bot.telegram import build_application, running

    counting = CountingClient(assistant.client)
    counted = Assistant(assistant.store, counting, assistant.detector, assistant.region)
    app = build_application(telegram_settings(content_copy, tmp_path), counted, base_url=bot_api.url)
    app.bot.rate_limiter.pacer.interval = 0.0  # type: ignore[union-attr]  # pacing has its own test
    content = assistant.store.current()
    slow_down = escape(content.text("fr", "telegram.slow_down"))
    flooder = user(7001, "fr")
    async with running(app, poll_timeout=1):
        since = bot_api.mark()
        for i in range(MAX_MESSAGES + 5):
            bot_api.text(flooder, "/menu" if i % 2 else "/help")
        await bot_api.wait_for(lambda calls: any(m["text"] == slow_down for m in bot_api.sent(7001, since)))
        # A chat's updates are handled in order: once a later button press is answered, the flood is done.
        query = bot_api.press(flooder, bot_api.sent(7001, since)[0], "/menu")
        await bot_api.wait_for(lambda calls: any(c.params.get("callback_query_id") == query for c in calls[since:]))
        [menu] = await Person(bot_api, 7002, "fr").say("/menu")  # someone else is still answered
    assert menu["text"] == escape(content.text("fr", "menu.title"))
    texts = [m["text"] for m in bot_api.sent(7001, since)]
    assert texts.count(slow_down) == 1
    assert texts[-1] == slow_down  # nothing answered after it
    assert len([t for t in counting.texts if t == "/menu"]) == MAX_MESSAGES // 2 + 1  # 10 floods + 7002's


async def test_one_chat_sending_hundreds_of_messages_delays_nobody_else(
    assistant, bot_api, content_copy: Path, tmp_path: Path
):
    from bot.telegram import build_application, running

    counting = CountingClient(assistant.client)
    counted = Assistant(assistant.store, counting, assistant.detector, assistant.region)
    app = build_application(telegram_settings(content_copy, tmp_path), counted, base_url=bot_api.url)
    app.bot.rate_limiter.pacer.interval = 0.5  # type: ignore[union-attr]  # each chat's replies paced
    content = assistant.store.current()
    async with running(app, poll_timeout=1):
        since = bot_api.mark()
        for _ in range(300):  # all in one batch of getUpdates, before anyone else's
            bot_api.text(user(7011, "en"), "/help")
        [menu] = await Person(bot_api, 7012, "en").say("/menu")
        flood_replies = len(bot_api.sent(7011, since))
        # the flood's backlog is cut before it queues: at most the flood limit + 1 reach the assistant
        await bot_api.wait_for(lambda _: len(bot_api.sent(7011, since)) == MAX_MESSAGES + 1, timeout=60)
    assert menu["text"] == escape(content.text("en", "menu.title"))
    assert flood_replies <= 3  # answered while the flood's first replies were being paced (not after its 21)
    texts = [m["text"] for m in bot_api.sent(7011, since)]
    assert texts[-1] == escape(content.text("en", "telegram.slow_down")) and texts.count(texts[-1]) == 1
    assert counting.texts.count("/menu") == 1  # 7012's; /help is answered without the assistant
