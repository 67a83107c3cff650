"""PostgreSQL restarted, then Redis stopped, under `python -m bot cluster` (nginx -> 2 replicas -> 2 Rasa workers).

As tests/test_faults.py, through the scaled-out topology: updates POSTed to nginx as Telegram would
(resent after a 5xx), the Rasa workers reached over HTTP, each with its own tracker store and lock
store on the test's private PostgreSQL and Redis (tests/helpers/private_servers.py). Every update
is answered exactly once; the figures are printed.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
import pytest
import redis

from tests.helpers.cluster import post_update, running_cluster
from tests.helpers.fake_bot_api import FakeBotApi, user
from tests.helpers.outages import DURING_AFTER, QUESTION, REGION, Chats, Tally, report, stored, unavailable_text
from tests.helpers.private_servers import PrivatePostgres, PrivateRedis, private_postgres, private_redis

__all__ = ["private_postgres", "private_redis"]  # the fixtures, used by name below

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cluster's parts die with their parent"),
]

BURST = 40
ROUND = 10


class WebhookChats(Chats):
    """Chats whose updates are POSTed to the cluster's nginx, all at once."""

    def __init__(self, api: FakeBotApi, unavailable: str, hook: str) -> None:
        super().__init__(api, unavailable)
        self.hook = hook

    async def send(self, uids: list[int]) -> None:
        async with aiohttp.ClientSession() as session:
            updates = [self.api.webhook_update(user(uid, "en"), QUESTION) for uid in uids]
            await asyncio.gather(*(post_update(session, self.hook, update) for update in updates))


async def test_the_cluster_answers_every_update_once_through_a_postgresql_restart_and_a_redis_stop(
    model_path: Path,
    private_postgres: PrivatePostgres,
    private_redis: PrivateRedis,
    bot_api: FakeBotApi,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": private_redis.url,
        "PSEUDONYM_SECRET": "cluster-faults-pseudonym-secret",
        "REGION": REGION,
    }
    figures: dict[str, str] = {}
    async with running_cluster(bot_api, tmp_path, env) as cluster:
        chats = WebhookChats(bot_api, unavailable_text(), cluster.hook)
        before = await chats.ask(list(range(9001, 9001 + ROUND)))
        assert before.answers == ROUND, before
        figures["before"] = before.line()

        burst = await chats.ask(list(range(9101, 9101 + BURST)), during=private_postgres.stop)
        down = await chats.ask(list(range(9001, 9001 + ROUND)))
        assert down.answers == ROUND, down  # the workers keep the turns in memory meanwhile
        private_postgres.start()
        conversations, people = stored(private_postgres.url)

        def stored_again() -> bool:
            now = stored(private_postgres.url)
            return now[0] > conversations and now[1] > people

        recovery, asked, probes = await chats.until_recovered(9201, stored_again)
        figures |= _outage("PostgreSQL", burst, down, recovery, asked, probes, "stored again")

        burst = await chats.ask(list(range(9301, 9301 + BURST)), during=private_redis.stop)
        down = await chats.ask(list(range(9001, 9001 + ROUND)))
        assert down.answers == ROUND, down  # the workers lock the turns in memory meanwhile
        private_redis.start()
        shared = redis.Redis.from_url(private_redis.url)
        try:
            recovery, asked, probes = await chats.until_recovered(
                9401, lambda: bool(shared.keys("migrant-assistant:flood:*"))
            )
        finally:
            shared.close()
        figures |= _outage("Redis", burst, down, recovery, asked, probes, "shared again")

        after = await chats.ask(list(range(9501, 9501 + ROUND)))
        assert after.answers == ROUND, after  # every part up: back to normal
        figures["then"] = after.line()
    report(capsys, "The cluster, PostgreSQL restarted then Redis stopped:", figures)
    assert cluster.process.returncode == 0, cluster.logged()[-3000:]


def _outage(
    part: str, burst: Tally, down: Tally, recovery: float, asked: int, probes: Tally, what: str
) -> dict[str, str]:
    return {
        f"burst of {BURST}, {part} stopped after {DURING_AFTER} replies": f"{burst.line()}; "
        f"{burst.after_fault} replied after it was down",
        f"{ROUND} while {part} is down": down.line(),
        f"after {part} is started": f"{what} {recovery:.1f} s after, at the {asked}. question "
        f"({probes.unavailable} 'temporarily unavailable' before it)",
    }
