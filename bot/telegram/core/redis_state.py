"""Flood counts and per-chat send slots in Redis (REDIS_URL), so several replicas share them.

One replica alone keeps them in memory (bot/telegram/core/flood_policy.py, pacing.py). With several
replicas behind one webhook, a person's messages may reach any of them: the count of
their messages in the last minute, and when their chat may get its next message, must
be the same everywhere. Both are one Lua script each, so two replicas never interleave.

Groups told once that the bot works only in private chats are remembered there too.

Keys hold no Telegram id: they are keyed hashes (the pseudonym of the id), and they
expire: flood counts and send slots within a minute or two, "told once" after 30 days.
If Redis is unreachable the bot keeps answering: flood control lets messages through,
pacing and "told once" fall back to this process's memory (logged).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from bot.settings import Settings
from bot.telegram.core.flood_policy import MAX_MESSAGES, WINDOW, Verdict

log = logging.getLogger(__name__)

KEY_PREFIX = "migrant-assistant:"
ONCE_TTL = 30 * 24 * 3600.0  # seconds a replica-shared "said once" is remembered; then it may be said again
LEASE_TTL = 300.0  # seconds a replica holds work it took (a replica killed meanwhile: another takes it after)

# KEYS: quiet-until key, count key. ARGV: max messages, window (ms).
# 0 = answer, 1 = warn (first one over the limit), 2 = drop (slowed down).
_FLOOD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
local n = redis.call('INCR', KEYS[2])
if n == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
if n > tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
  return 1
end
return 0
"""

# KEYS: the chat's next-send key. ARGV: interval (ms). Reserves the chat's next slot on the
# Redis server's clock (replicas' clocks may differ); returns how many ms to wait for it.
_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], at + interval, 'PX', at - now + interval + 1000)
return at - now
"""

# KEYS: the group's next-send key, the group's window (a sorted set of reserved send times).
# ARGV: interval (ms), messages per window, window (ms), a unique member. Like _SLOT, and keeps at
# most ARGV[2] reservations in any ARGV[3] ms for every replica together (pacing.py's memory rule).
_GROUP_SLOT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', at - window)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, 0)
  at = math.max(at, tonumber(first[2]) + window)
end
redis.call('ZADD', KEYS[2], at, ARGV[4])
redis.call('PEXPIRE', KEYS[2], at - now + window + 1000)
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], at + interval, 'PX', at - now + interval + 1000)
return at - now
"""

# KEYS: the lease key. ARGV: the holder's token. Deletes the lease only if this holder still has it.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_VERDICTS = {0: Verdict.ANSWER, 1: Verdict.WARN, 2: Verdict.DROP}


def _keyed(secret: str, telegram_id: str) -> str:
    """A short keyed hash of a Telegram user or chat id: stable across replicas, not reversible without the secret."""
    return hmac.new(secret.encode("utf-8"), telegram_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def connect(url: str) -> Any:
    """An asyncio Redis client for url (no connection is made until first use)."""
    import redis.asyncio

    return redis.asyncio.from_url(url)


class RedisFloodGuard:
    """Flood control shared by replicas: at most max_messages per window, then quiet for a window."""

    def __init__(
        self,
        client: Any,
        secret: str,
        max_messages: int = MAX_MESSAGES,
        window: float = WINDOW,
        prefix: str = KEY_PREFIX,
    ) -> None:
        self.client = client
        self.secret = secret
        self.max_messages = max_messages
        self.window_ms = int(window * 1000)
        self.prefix = prefix
        self._script = client.register_script(_FLOOD)

    async def verdict(self, user_id: int) -> Verdict:
        """Count one message from user_id and say whether to answer it (Redis down: answer, logged)."""
        key = self.prefix + "flood:" + _keyed(self.secret, str(user_id))
        try:
            code = await self._script(keys=[key + ":quiet", key + ":n"], args=[self.max_messages, self.window_ms])
        except Exception:  # noqa: BLE001 - never silent: without Redis, messages are answered
            log.exception("Flood control could not reach Redis; this message is answered")
            return Verdict.ANSWER
        return _VERDICTS[int(code)]


class RedisOnce:
    """Things said once per chat (the "private chats only" notice to a group), remembered by every replica."""

    def __init__(self, client: Any, secret: str, ttl: float = ONCE_TTL, prefix: str = KEY_PREFIX) -> None:
        self.client = client
        self.secret = secret
        self.ttl_ms = int(ttl * 1000)
        self.prefix = prefix

    async def first(self, what: str, chat_id: int | str) -> bool | None:
        """True the first time what is asked for chat_id (on any replica), then False; None if Redis is unreachable."""
        key = self.prefix + "once:" + what + ":" + _keyed(self.secret, str(chat_id))
        try:
            return bool(await self.client.set(key, "1", nx=True, px=self.ttl_ms))
        except Exception:  # noqa: BLE001 - the caller falls back to this process's memory
            log.exception("Could not reach Redis to remember a notice; remembered in this process only")
            return None


class RedisSlots:
    """Each chat's next send time, shared by replicas."""

    def __init__(self, client: Any, secret: str, prefix: str = KEY_PREFIX) -> None:
        self.client = client
        self.secret = secret
        self.prefix = prefix
        self._script = client.register_script(_SLOT)
        self._group_script = client.register_script(_GROUP_SLOT)

    async def reserve(self, chat_id: int | str, interval: float) -> float | None:
        """Reserve the chat's next send slot; the seconds to wait for it, or None if Redis is unreachable."""
        key = self.prefix + "slot:" + _keyed(self.secret, str(chat_id))
        return await self._wait(self._script(keys=[key], args=[int(interval * 1000)]))

    async def reserve_group(self, chat_id: int | str, interval: float, messages: int, window: float) -> float | None:
        """Like reserve, and at most messages in any window seconds into the group, for all replicas together."""
        key = self.prefix + "slot:" + _keyed(self.secret, str(chat_id))
        args = [int(interval * 1000), messages, int(window * 1000), uuid.uuid4().hex]
        return await self._wait(self._group_script(keys=[key, key + ":window"], args=args))

    @staticmethod
    async def _wait(reserving: Awaitable[Any]) -> float | None:
        try:
            wait_ms = await reserving
        except Exception:  # noqa: BLE001 - pacing goes on in this process's memory
            log.exception("Pacing could not reach Redis; pacing in this process only")
            return None
        return int(wait_ms) / 1000


class RedisLease:
    """Work one replica does at a time (posting a case's messages in its topic): a lease that expires."""

    def __init__(self, client: Any, secret: str, ttl: float, prefix: str = KEY_PREFIX) -> None:
        self.client = client
        self.secret = secret
        self.ttl_ms = int(ttl * 1000)
        self.prefix = prefix
        self._release = client.register_script(_RELEASE)

    def _key(self, what: str, key: str) -> str:
        return self.prefix + "lease:" + what + ":" + _keyed(self.secret, key)

    async def take(self, what: str, key: str) -> str | None:
        """A token if this replica now holds the lease, "" if another one does, None if Redis is unreachable."""
        token = uuid.uuid4().hex
        try:
            taken = await self.client.set(self._key(what, key), token, nx=True, px=self.ttl_ms)
        except Exception:  # noqa: BLE001 - the caller goes on alone (logged)
            log.exception("Could not reach Redis for a lease; going on in this process only")
            return None
        return token if taken else ""

    async def give_back(self, what: str, key: str, token: str) -> None:
        """Release the lease if this holder still has it (an expired lease may be another replica's now)."""
        try:
            await self._release(keys=[self._key(what, key)], args=[token])
        except Exception:  # noqa: BLE001 - it expires by itself
            log.exception("Could not release a lease in Redis; it expires by itself")


@dataclass
class SharedState:
    """What replicas share through Redis."""

    flood: RedisFloodGuard
    slots: RedisSlots
    once: RedisOnce
    lease: RedisLease

    @classmethod
    def from_settings(cls, settings: Settings) -> SharedState | None:
        """The shared state in REDIS_URL; None when it is unset (one replica: memory is enough)."""
        if not settings.storage.redis_url:
            return None
        client = connect(settings.storage.redis_url)
        secret = settings.storage.pseudonym_secret
        return cls(
            RedisFloodGuard(client, secret),
            RedisSlots(client, secret),
            RedisOnce(client, secret),
            RedisLease(client, secret, LEASE_TTL),
        )
