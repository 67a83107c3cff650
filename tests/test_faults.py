"""Faults under load: PostgreSQL restarted, Redis stopped, under a running bot (`python -m bot run`).

The bot runs as it would in production: Rasa in its process, the conversations in PostgreSQL
(DATABASE_URL, Rasa's SQL tracker store too), Redis (REDIS_URL) for Rasa's lock store, flood counts
and chats' send times; it polls the fake Bot API. Both servers are private to the test
(tests/helpers/private_servers.py): the machine's shared ones are never stopped.

Each test: a round of people asking, answered; a burst of questions during which the server is
stopped; a round while it is down; the server started again; questions until a real answer comes.
Every update is answered exactly once: the real answer, or, while a part is down, "temporarily
unavailable" with the hotlines. Never silent, never twice. The figures are printed (no timing
asserted); recovery must come within RECOVERY_TIMEOUT.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from bot.settings import REPO
from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.outages import DURING_AFTER, REGION, Chats, report, stored, unavailable_text
from tests.helpers.private_servers import PrivatePostgres, PrivateRedis, private_postgres, private_redis
from tests.helpers.telegram import TOKEN

__all__ = ["private_postgres", "private_redis"]  # the fixtures, used by name below

pytestmark = pytest.mark.asyncio(loop_scope="session")

START_TIMEOUT = 300.0  # the bot loads the model, on a machine that may be busy
BURST = 60
ROUND = 10


@pytest.fixture
def run_bot(bot_api: FakeBotApi, tmp_path: Path) -> Iterator[Callable[[str, str], None]]:
    """Start `python -m bot run` (polling the fake Bot API) on a database URL and a Redis URL."""
    procs: list[subprocess.Popen[bytes]] = []
    log = tmp_path / "bot.log"

    def start(database_url: str, redis_url: str) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RASA_"))},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": bot_api.url,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PSEUDONYM_SECRET": "faults-test-pseudonym-secret",
            "REGION": REGION,
            "VAR_DIR": str(tmp_path / "var"),
            "LOG_LEVEL": "WARNING",
            "RASA_WORKERS": "0",
            "RASA_TIMEOUT": "60",  # a busy machine: correctness here, speed in bench/
        }
        with log.open("ab") as out:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            )

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    logged = log.read_text(errors="replace") if log.exists() else ""
    assert all(p.returncode in (0, -signal.SIGTERM) for p in procs), logged[-4000:]


async def _polling(api: FakeBotApi) -> None:
    """Wait until the bot has started and asks for updates."""
    await api.wait_for(lambda calls: any(c.method == "getupdates" for c in calls), timeout=START_TIMEOUT)


async def test_a_postgresql_restart_under_load_loses_no_message_and_answers_none_twice(
    model_path: Path,
    private_postgres: PrivatePostgres,
    private_redis: PrivateRedis,
    bot_api: FakeBotApi,
    run_bot: Callable[[str, str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_bot(private_postgres.url, private_redis.url)
    await _polling(bot_api)
    chats = Chats(bot_api, unavailable_text())
    before = await chats.ask(list(range(7001, 7001 + ROUND)))
    assert before.answers == ROUND, before  # all up: every one the real answer

    # open connections are closed under the bot ("fast": as a restart for an upgrade does)
    burst = await chats.ask(list(range(7101, 7101 + BURST)), during=private_postgres.stop)
    down = await chats.ask(list(range(7001, 7001 + ROUND)))  # people the bot knows, while it is down
    assert down.answers == ROUND, down  # Rasa keeps the turns in memory meanwhile (its fail-safe tracker store)
    private_postgres.start()
    conversations, people = stored(private_postgres.url)
    up_at, rasa_back = time.monotonic(), list[float]()

    def stored_again() -> bool:  # Rasa's tracker store and the bot's own tables written again
        now = stored(private_postgres.url)
        if now[0] > conversations and not rasa_back:
            rasa_back.append(time.monotonic() - up_at)
        return now[0] > conversations and now[1] > people

    recovery, asked, probes = await chats.until_recovered(7201, stored_again)
    after = await chats.ask(list(range(7301, 7301 + ROUND)))
    assert after.answers == ROUND, after  # back to normal
    report(
        capsys,
        "PostgreSQL restarted under a running bot:",
        {
            "before": before.line(),
            f"burst of {BURST}, PostgreSQL stopped after {DURING_AFTER} replies": f"{burst.line()}; "
            f"{burst.after_fault} replied after it was down",
            f"{ROUND} while it is down": down.line(),
            "after the start": f"Rasa's tracker store written again {rasa_back[0]:.1f} s after PostgreSQL was up, "
            f"the bot's tables {recovery:.1f} s after, at the {asked}. question "
            f"({probes.unavailable} 'temporarily unavailable' before it)",
            "then": after.line(),
        },
    )


async def test_redis_stopped_under_load_loses_no_message_and_answers_none_twice(
    model_path: Path,
    private_postgres: PrivatePostgres,
    private_redis: PrivateRedis,
    bot_api: FakeBotApi,
    run_bot: Callable[[str, str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_bot(private_postgres.url, private_redis.url)
    await _polling(bot_api)
    chats = Chats(bot_api, unavailable_text())
    before = await chats.ask(list(range(7001, 7001 + ROUND)))
    assert before.answers == ROUND, before

    burst = await chats.ask(list(range(7101, 7101 + BURST)), during=private_redis.stop)
    down = await chats.ask(list(range(7001, 7001 + ROUND)))
    assert down.answers == ROUND, down  # Rasa's turns locked in memory meanwhile (bot/rasa/lock_store.py)
    private_redis.start()  # empty: no flood count, no send time, no lock survived
    shared = redis.Redis.from_url(private_redis.url)

    def shared_again() -> bool:  # the flood counts are in Redis again
        return bool(shared.keys("migrant-assistant:flood:*"))

    try:
        recovery, asked, probes = await chats.until_recovered(7201, shared_again)
    finally:
        shared.close()
    after = await chats.ask(list(range(7301, 7301 + ROUND)))
    assert after.answers == ROUND, after
    report(
        capsys,
        "Redis stopped under a running bot:",
        {
            "before": before.line(),
            f"burst of {BURST}, Redis stopped after {DURING_AFTER} replies": f"{burst.line()}; "
            f"{burst.after_fault} replied after it was down",
            f"{ROUND} while it is down": down.line(),
            "after the start": f"shared again {recovery:.1f} s after Redis was up, at the {asked}. question "
            f"({probes.unavailable} 'temporarily unavailable' before it)",
            "then": after.line(),
        },
    )
