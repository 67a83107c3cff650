"""Rasa's lock store in Redis (REDIS_URL) that keeps answering while Redis cannot be reached.

Rasa takes a conversation's lock around every turn. With Rasa's own RedisLockStore a stopped
Redis fails every turn ("temporarily unavailable" for everyone) although nothing else needs it.
Here a turn whose lock cannot be taken in Redis is locked in this process's memory instead
(logged): the bot already handles one chat's updates one after the other, and sends a
conversation to the same Rasa worker while it is up, so the lock in Redis only guards the rarer
case of one conversation reaching two workers at once. When Redis is back, the next turns lock
there again. A turn whose lock was taken in Redis and then lost (Redis stopped during the turn)
fails as before: the person gets "temporarily unavailable", and may ask again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore, RedisLockStore

log = logging.getLogger(__name__)


def _unreachable(error: BaseException) -> bool:
    """Whether error (or what it was raised from) is Redis not answering, rather than a lock held too long."""
    from redis.exceptions import ConnectionError, TimeoutError

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (ConnectionError, TimeoutError)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class FailSafeLockStore(LockStore):
    """A RedisLockStore; a turn whose ticket Redis cannot issue is locked in this process's memory."""

    def __init__(self, redis: LockStore) -> None:
        self.redis = redis
        self.memory = InMemoryLockStore()

    def get_lock(self, conversation_id: str) -> Any:
        return self.redis.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        self.redis.delete_lock(conversation_id)

    def save_lock(self, lock: Any) -> None:
        self.redis.save_lock(lock)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[Any, None]:
        """Rasa's lock on conversation_id, in Redis; in this process's memory while Redis cannot be reached."""
        try:
            ticket = self.redis.issue_ticket(conversation_id, lock_lifetime)
        except LockError as error:
            if not _unreachable(error):
                raise
            log.error("Rasa's lock store cannot reach Redis; this turn is locked in this process only")
            ticket = None
        if ticket is None:
            async with self.memory.lock(conversation_id, lock_lifetime, wait_time_in_seconds) as lock:
                yield lock
            return
        try:
            yield await self.redis._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            self.redis.cleanup(conversation_id, ticket)


def redis_lock_store(url: str) -> FailSafeLockStore:
    """Rasa's lock store for a redis:// URL (host, port, database number, password), fail-safe as above."""
    parts = urlsplit(url)
    return FailSafeLockStore(
        RedisLockStore(
            host=parts.hostname or "localhost",
            port=parts.port or 6379,
            db=int(parts.path.lstrip("/") or 0),
            password=parts.password,
            use_ssl=parts.scheme == "rediss",
        )
    )
