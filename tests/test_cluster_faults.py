"""PostgreSQL restarted, then Redis stopped, under `python -m bot cluster` (nginx -> 2 replicas -> 2 Rasa workers).

As tests/test_faults.py, through the scaled-out topology: updates POSTed to nginx as Telegram would
(resent after a 5xx), the Rasa workers reached over HTTP, each with its own tracker store and lock
store on the test's private PostgreSQL and Redis (tests/helpers/private_servers.py). Every update
is answered exactly once; the figures are printed.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import redis

from bot.deploy.nginx import nginx_binary
from bot.rasa.child import free_port
from bot.settings import REPO
from tests.helpers.fake_bot_api import FakeBotApi, user
from tests.helpers.outages import DURING_AFTER, QUESTION, REGION, Chats, Tally, report, stored, unavailable_text
from tests.helpers.private_servers import PrivatePostgres, PrivateRedis, private_postgres, private_redis
from tests.helpers.waiting import until

__all__ = ["private_postgres", "private_redis"]  # the fixtures, used by name below

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cluster's parts die with their parent"),
]

TOKEN = "123456:CLUSTER-FAULTS-TOKEN"
WEBHOOK_SECRET = "cluster-faults-secret_0123456789"
TELEGRAM_TRIES = 5  # a 5xx is retried, as Telegram does
START_TIMEOUT = 300.0  # two workers load the model at once, on a machine that may be busy
BURST = 40
ROUND = 10


class WebhookChats(Chats):
    """Chats whose updates are POSTed to the cluster's nginx, all at once."""

    def __init__(self, api: FakeBotApi, unavailable: str, hook: str) -> None:
        super().__init__(api, unavailable)
        self.hook = hook

    async def send(self, uids: list[int]) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        async with aiohttp.ClientSession() as session:

            async def post(uid: int) -> None:
                update = self.api.webhook_update(user(uid, "en"), QUESTION)
                for attempt in range(TELEGRAM_TRIES):
                    async with session.post(self.hook, json=update, headers=headers) as resp:
                        if resp.status == 200:
                            return
                        assert resp.status >= 500 and attempt < TELEGRAM_TRIES - 1, await resp.text()
                    await asyncio.sleep(1)

            await asyncio.gather(*(post(uid) for uid in uids))


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    await api.start()
    yield api
    await api.stop()


async def test_the_cluster_answers_every_update_once_through_a_postgresql_restart_and_a_redis_stop(
    model_path: Path,
    private_postgres: PrivatePostgres,
    private_redis: PrivateRedis,
    bot_api: FakeBotApi,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if nginx_binary() is None:
        pytest.fail("nginx is not installed (make install installs it as root: apt-get install nginx)")
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RASA_"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": bot_api.url,
        "TELEGRAM_WEBHOOK_URL": hook,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "DATABASE_URL": private_postgres.url,
        "REDIS_URL": private_redis.url,
        "PSEUDONYM_SECRET": "cluster-faults-pseudonym-secret",
        "REGION": REGION,
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        "RASA_TIMEOUT": "60",  # a busy machine: correctness here, speed in bench/
    }
    log = tmp_path / "cluster.log"
    with log.open("wb") as out:
        cluster = subprocess.Popen(
            [sys.executable, "-m", "bot", "cluster", "--replicas", "2", "--workers", "2", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def up() -> bool:
        assert cluster.poll() is None, log.read_text(errors="replace")[-3000:]
        return "Cluster up" in log.read_text(errors="replace")

    figures: dict[str, str] = {}
    try:
        await until(up, timeout=START_TIMEOUT, every=0.5)
        chats = WebhookChats(bot_api, unavailable_text(), hook)
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
    finally:
        cluster.send_signal(signal.SIGTERM)
        try:
            cluster.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()
    report(capsys, "The cluster, PostgreSQL restarted then Redis stopped:", figures)
    assert cluster.returncode == 0, log.read_text(errors="replace")[-3000:]


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
