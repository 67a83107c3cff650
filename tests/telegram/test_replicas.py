"""Replicas share flood counts and chats' send times through the Redis server in TEST_REDIS_URL."""

from __future__ import annotations

import os
import uuid

import pytest

from bot.telegram.core.flood_policy import Verdict
from bot.telegram.core.pacing import GROUP_MESSAGES, GROUP_WINDOW, ChatPacer
from bot.telegram.core.redis_state import (
    ONCE_TTL,
    RedisFloodGuard,
    RedisLease,
    RedisOnce,
    RedisSlots,
    connect,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")
REDIS_ENV = "TEST_REDIS_URL"
SECRET = "replica-test-secret-0123456789abcdef"


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:8]}:"


async def test_a_flood_spread_over_two_replicas_is_counted_once(redis_client, prefix):
    replicas = [
        RedisFloodGuard(connect(os.environ[REDIS_ENV]), SECRET, max_messages=4, window=60, prefix=prefix)
        for _ in range(2)
    ]
    verdicts = [await replicas[i % 2].verdict(42) for i in range(7)]
    assert verdicts == [Verdict.ANSWER] * 4 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert await replicas[1].verdict(43) is Verdict.ANSWER  # someone else is not slowed down
    keys = [k.decode() for k in await redis_client.keys(prefix + "*")]
    assert keys and not any(k.startswith(prefix + "flood:42:") for k in keys)  # no Telegram id in Redis
    ttls = [await redis_client.pttl(k) for k in keys]
    assert all(0 < ttl <= 60_000 for ttl in ttls), ttls  # everything expires


async def test_two_replicas_take_turns_for_one_chat(redis_client, prefix):
    a, b = (RedisSlots(connect(os.environ[REDIS_ENV]), SECRET, prefix=prefix) for _ in range(2))
    waits = [await a.reserve(7, 1.0), await b.reserve(7, 1.0), await a.reserve(7, 1.0)]
    assert waits[0] == 0.0
    # each slot a second after the one before, whichever replica asked (a few ms pass between calls)
    assert 0.9 < waits[1] <= 1.0 and 1.9 < waits[2] <= 2.0
    assert await b.reserve(8, 1.0) == 0.0  # another chat is not held up


async def test_two_replicas_share_a_groups_20_messages_a_minute(redis_client, prefix):
    a, b = (RedisSlots(connect(os.environ[REDIS_ENV]), SECRET, prefix=prefix) for _ in range(2))
    waits = [await (a, b)[i % 2].reserve_group(-100, 0.0, GROUP_MESSAGES, GROUP_WINDOW) for i in range(22)]
    assert all(w < 1.0 for w in waits[:GROUP_MESSAGES]), waits  # a burst of 20 from both replicas together
    # then a window after the first of them (a few ms passed since): for either replica
    assert all(GROUP_WINDOW - 2 < w <= GROUP_WINDOW for w in waits[GROUP_MESSAGES:]), waits
    assert await b.reserve_group(-200, 0.0, GROUP_MESSAGES, GROUP_WINDOW) == 0.0  # another group goes on
    assert await a.reserve(7, 1.0) == 0.0  # and so does a private chat
    keys = [k.decode() for k in await redis_client.keys(prefix + "*")]
    assert keys and not any("100" in k for k in keys)  # no Telegram id in Redis
    ttls = [await redis_client.pttl(k) for k in keys]
    assert all(0 < ttl <= (2 * GROUP_WINDOW + 1) * 1000 for ttl in ttls), ttls  # everything expires


async def test_the_pacer_waits_for_the_shared_group_window(redis_client, prefix):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # the pacer's waits, recorded instead of slept
        waits.append(seconds)

    pacers = [
        ChatPacer(interval=0.0, shared=RedisSlots(connect(os.environ[REDIS_ENV]), SECRET, prefix=prefix), sleep=sleep)
        for _ in range(2)
    ]
    for i in range(GROUP_MESSAGES + 1):
        async with pacers[i % 2].turn(-100):
            pass
    assert len(waits) == 1 and GROUP_WINDOW - 2 < waits[0] <= GROUP_WINDOW, waits  # the 21st, on either replica


async def test_one_replica_at_a_time_holds_a_lease(redis_client, prefix):
    a, b = (RedisLease(connect(os.environ[REDIS_ENV]), SECRET, ttl=30, prefix=prefix) for _ in range(2))
    token = await a.take("topic-post", "1")
    assert token and await b.take("topic-post", "1") == ""  # held by a
    assert await b.take("topic-post", "2")  # another case is free
    [key] = [k for k in await redis_client.keys(prefix + "lease:*") if await redis_client.get(k) == token.encode()]
    assert 0 < await redis_client.pttl(key) <= 30_000  # a killed holder's lease expires
    await b.give_back("topic-post", "1", "not-the-holders-token")  # only the holder releases it
    assert await b.take("topic-post", "1") == ""
    await a.give_back("topic-post", "1", token)
    assert await b.take("topic-post", "1")


async def test_a_notice_said_on_one_replica_is_not_said_again_on_another(redis_client, prefix):
    a, b = (RedisOnce(connect(os.environ[REDIS_ENV]), SECRET, prefix=prefix) for _ in range(2))
    assert [
        await a.first("private-only", -5001),
        await b.first("private-only", -5001),
        await a.first("private-only", -5001),
    ] == [True, False, False]
    assert await b.first("private-only", -5002) is True  # another group
    keys = [k.decode() for k in await redis_client.keys(prefix + "*")]
    assert len(keys) == 2 and not any("5001" in k or "5002" in k for k in keys)  # no Telegram id in Redis
    ttls = [await redis_client.pttl(k) for k in keys]
    assert all(0 < ttl <= ONCE_TTL * 1000 for ttl in ttls), ttls  # remembered for a time only


async def test_without_redis_messages_are_answered_and_paced_locally(prefix):
    down = connect("redis://127.0.0.1:1/0")  # nothing listens there
    assert await RedisFloodGuard(down, SECRET, prefix=prefix).verdict(42) is Verdict.ANSWER
    slots = RedisSlots(down, SECRET, prefix=prefix)
    assert await slots.reserve(7, 1.0) is None
    assert await RedisOnce(down, SECRET, prefix=prefix).first("private-only", -5001) is None
    assert await slots.reserve_group(-100, 0.0, GROUP_MESSAGES, GROUP_WINDOW) is None
    assert await RedisLease(down, SECRET, ttl=30, prefix=prefix).take("topic-post", "1") is None
    now = [100.0]
    pacer = ChatPacer(interval=1.0, clock=lambda: now[0], shared=slots)
    async with pacer.turn(7):
        pass
    assert pacer._next[7] == 101.0  # the local schedule took over


async def test_redis_url_makes_the_application_share_its_state(assistant, content_copy, tmp_path, redis_client):
    from bot.telegram import build_application
    from bot.telegram.core.flood_policy import FLOOD_KEY
    from bot.telegram.core.services import SERVICES_KEY
    from tests.helpers.telegram import telegram_settings

    app = build_application(
        telegram_settings(content_copy, tmp_path, REDIS_URL=os.environ[REDIS_ENV]),
        assistant,
        base_url="http://127.0.0.1:9",
    )
    assert isinstance(app.bot_data[FLOOD_KEY], RedisFloodGuard)
    assert isinstance(app.bot.rate_limiter.pacer.shared, RedisSlots)  # type: ignore[union-attr]
    assert isinstance(app.bot_data[SERVICES_KEY].once, RedisOnce)


async def test_a_group_is_told_once_whichever_replica_it_reaches(assistant, content_copy, tmp_path, redis_client):
    from bot.replies import MENU_PAYLOAD
    from bot.telegram import build_application, running
    from tests.helpers.fake_bot_api import FakeBotApi, group_chat, user
    from tests.helpers.telegram import TOKEN, telegram_settings

    secret = f"replicas-{uuid.uuid4().hex}"  # keys of its own in the shared Redis server
    group, member = group_chat(-5001), user(1006, "es")
    apis = [FakeBotApi(TOKEN), FakeBotApi(TOKEN)]  # each replica gets its own updates, as behind a load balancer
    told = []
    for i, api in enumerate(apis):
        await api.start()
        try:
            settings = telegram_settings(
                content_copy, tmp_path / f"replica-{i}", REDIS_URL=os.environ[REDIS_ENV], PSEUDONYM_SECRET=secret
            )
            async with running(build_application(settings, assistant, base_url=api.url), poll_timeout=1):
                since = api.mark()
                api.text(member, "hola a todos", chat=group)
                # updates of one chat are handled in order: once the later press is answered, the text was handled
                query = api.press(member, {"message_id": 1, "date": 0, "chat": group, "text": "?"}, MENU_PAYLOAD)
                await api.wait_for(
                    lambda calls, query=query, since=since: any(
                        c.params.get("callback_query_id") == query for c in calls[since:]
                    )
                )
                told.append(len(api.sent(-5001, since)))
        finally:
            await api.stop()
    assert told == [1, 0]
