"""Rasa's Redis lock store against the server in TEST_REDIS_URL (for several replicas sharing conversations)."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import redis

from tests.helpers.private_servers import PrivateRedis, private_redis
from tests.helpers.waiting import until

__all__ = ["private_redis"]  # the fixture, used by name below

REDIS_ENV = "TEST_REDIS_URL"
pytestmark = pytest.mark.redis


@pytest.fixture
def lock_store():  # type: ignore[no-untyped-def]
    from urllib.parse import urlsplit

    from rasa.core.lock_store import RedisLockStore

    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: Redis lock store test skipped")
    parts = urlsplit(url)
    db = int(parts.path.lstrip("/") or 0)
    store = RedisLockStore(
        host=parts.hostname or "localhost",
        port=parts.port or 6379,
        db=db,
        password=parts.password,
        key_prefix="test" + uuid.uuid4().hex[:8],
    )
    try:
        store.red.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"{REDIS_ENV}={url} is set but the server is unreachable: {error}")
    yield store
    store.red.close()


async def test_lock_is_acquired_and_released(lock_store) -> None:  # type: ignore[no-untyped-def]
    conversation = "c" * 64
    order: list[str] = []

    async def second() -> None:
        async with lock_store.lock(conversation, lock_lifetime=5, wait_time_in_seconds=0.05):
            order.append("second")

    async with lock_store.lock(conversation, lock_lifetime=5) as lock:
        assert lock.conversation_id == conversation
        assert lock_store.red.exists(lock_store.key_prefix + conversation)
        waiting = asyncio.create_task(second())
        # the second turn waits while the first holds the lock
        assert await until(lambda: lock_store.is_someone_waiting(conversation))
        assert not waiting.done()
        order.append("first")
    await asyncio.wait_for(waiting, 5)
    assert order == ["first", "second"]
    # released by both: the lock is gone from Redis
    assert lock_store.get_lock(conversation) is None
    assert not lock_store.red.exists(lock_store.key_prefix + conversation)


def test_redis_url_gives_rasa_a_redis_lock_store() -> None:
    from bot.rasa.client import redis_lock_store

    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: Redis lock store test skipped")
    store = redis_lock_store("redis://:pw@example.org:6390/3")
    kwargs = store.redis.red.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == ("example.org", 6390, 3, "pw")
    store = redis_lock_store(url)
    assert store.redis.red.ping()
    store.redis.red.close()


async def test_while_redis_is_stopped_turns_are_locked_in_memory_then_in_redis_again(
    private_redis: PrivateRedis,
) -> None:
    from bot.rasa.lock_store import redis_lock_store

    store = redis_lock_store(private_redis.url)
    conversation = f"test-{uuid.uuid4().hex[:8]}"
    key = store.redis.key_prefix + conversation
    async with store.lock(conversation):
        assert store.redis.red.exists(key)  # up: the lock is in Redis
    private_redis.stop()
    order: list[str] = []

    async def turn(name: str, entered: asyncio.Event, leave: asyncio.Event | None) -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            order.append(name)
            entered.set()
            if leave is not None:
                await leave.wait()

    first_in, second_in, leave = asyncio.Event(), asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(turn("first", first_in, leave))
    await first_in.wait()
    second = asyncio.create_task(turn("second", second_in, None))
    await until(
        lambda: store.memory.get_lock(conversation) is not None and store.memory.is_someone_waiting(conversation)
    )
    assert order == ["first"]  # down: still one turn of a conversation at a time, in this process
    leave.set()
    await asyncio.wait_for(asyncio.gather(first, second), 5)
    assert order == ["first", "second"]
    private_redis.start()
    async with store.lock(conversation):
        assert store.redis.red.exists(key)  # back: in Redis again
    store.redis.red.close()
