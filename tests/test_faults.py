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

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa

from bot.content.load import load_content
from bot.replies import contacts
from bot.settings import REPO
from tests.helpers.fake_bot_api import Call, FakeBotApi, user
from tests.helpers.private_servers import PrivatePostgres, PrivateRedis, private_postgres, private_redis
from tests.helpers.telegram import buttons

__all__ = ["private_postgres", "private_redis"]  # the fixtures, used by name below

pytestmark = pytest.mark.asyncio(loop_scope="session")

TOKEN = "123456:FAULTS-TOKEN"
QUESTION = "how do I register at the town hall"
TOPIC = "registration.municipal"
REGION = "es-barcelona"
START_TIMEOUT = 300.0  # the bot loads the model, on a machine that may be busy
REPLY_TIMEOUT = 120.0  # every update answered within this (answer or "unavailable")
RECOVERY_TIMEOUT = 120.0  # after the server is back, a real answer within this
BURST = 60
PROBE_EVERY = 1.0
DURING_AFTER = 5  # replies of a burst delivered before the server is stopped
ROUND = 10


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture(scope="module")
def unavailable_text() -> str:
    """The "temporarily unavailable" reply with the region's hotlines, as content/ui/en.yml words it."""
    return contacts(load_content(REPO / "content", dt.date.today()), REGION, "en", "error.unavailable")


@dataclass
class Tally:
    """What each update got back."""

    answers: int = 0
    unavailable: int = 0
    seconds: list[float] = field(default_factory=list)  # from the update to its reply
    after_fault: int = 0  # replies delivered once the fault (`during`) had happened

    def line(self) -> str:
        worst = max(self.seconds, default=0.0)
        return f"{self.answers} answered, {self.unavailable} 'temporarily unavailable' (slowest reply {worst:.1f} s)"


def _delivered(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendmessage" and c.result]


class Chats:
    """Sends updates to the fake Bot API and checks that each gets exactly one reply."""

    def __init__(self, api: FakeBotApi, unavailable: str) -> None:
        self.api = api
        self.unavailable = unavailable

    def kind(self, message: dict[str, Any]) -> str:
        """'answer' (the topic's answer), 'unavailable', or 'other' (e.g. a welcome)."""
        if any(b.get("callback_data", "").startswith("fb:") for b in buttons(message)):
            assert any(b["callback_data"].endswith(":" + TOPIC) for b in buttons(message)), message
            return "answer"
        return "unavailable" if message.get("text") == self.unavailable else "other"

    async def ask(self, uids: list[int], during: Callable[[], None] | None = None) -> Tally:
        """Each uid asks once, all at once; each answered once.

        during (e.g. stopping a server) runs in a thread once the first DURING_AFTER replies have come:
        the bot is in the middle of the burst.
        """
        since, started, fault_at = self.api.mark(), time.monotonic(), float("inf")
        for uid in uids:
            self.api.text(user(uid, "en"), QUESTION)
        if during is not None:
            await self.api.wait_for(lambda calls: len(_delivered(calls[since:])) >= DURING_AFTER, REPLY_TIMEOUT)
            await asyncio.to_thread(during)  # the fake Bot API goes on answering meanwhile
            fault_at = time.monotonic()

        def replies(uid: int) -> list[tuple[str, float]]:
            return [
                (self.kind(c.result), c.at) for c in _delivered(self.api.calls[since:]) if c.params["chat_id"] == uid
            ]

        def all_replied(_calls: object) -> bool:
            return all(any(k != "other" for k, _ in replies(uid)) for uid in uids)

        await self.api.wait_for(all_replied, timeout=REPLY_TIMEOUT)
        tally = Tally()
        for uid in uids:
            got = [(k, at) for k, at in replies(uid) if k != "other"]
            assert len(got) == 1, (uid, got)  # answered, and only once
            kind, at = got[0]
            tally.answers += kind == "answer"
            tally.unavailable += kind == "unavailable"
            tally.seconds.append(at - started)
            tally.after_fault += at > fault_at
        strays = {c.params["chat_id"] for c in _delivered(self.api.calls[since:])} - set(uids)
        assert not strays, strays  # nothing from an earlier round arrived late (answered twice)
        return tally

    async def until_recovered(self, first_uid: int, resumed: Callable[[], bool]) -> tuple[float, int, Tally]:
        """A new person asks every PROBE_EVERY s until one gets the real answer and resumed() holds.

        Returns (seconds, questions asked, their tally); fails after RECOVERY_TIMEOUT.
        """
        started, total, uid = time.monotonic(), Tally(), first_uid
        while True:
            tally = await self.ask([uid])
            total.answers += tally.answers
            total.unavailable += tally.unavailable
            total.seconds += tally.seconds
            if tally.answers and resumed():
                return time.monotonic() - started, uid - first_uid + 1, total
            assert time.monotonic() - started < RECOVERY_TIMEOUT, f"not recovered {RECOVERY_TIMEOUT} s after"
            uid += 1
            await asyncio.sleep(PROBE_EVERY)  # one question a second, not a flood


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


def _stored(url: str) -> tuple[int, int]:
    """(conversations in Rasa's tracker store, people in the bot's tables) in the database at url."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conversations = conn.execute(sa.text("SELECT count(DISTINCT sender_id) FROM events")).scalar_one()
            people = conn.execute(sa.text("SELECT count(*) FROM users")).scalar_one()
    finally:
        engine.dispose()
    return int(conversations), int(people)


async def _polling(api: FakeBotApi) -> None:
    """Wait until the bot has started and asks for updates."""
    await api.wait_for(lambda calls: any(c.method == "getupdates" for c in calls), timeout=START_TIMEOUT)


def _report(capsys: pytest.CaptureFixture[str], title: str, lines: dict[str, str]) -> None:
    with capsys.disabled():
        print(f"\n{title}")
        for name, value in lines.items():
            print(f"  {name}: {value}")


async def test_a_postgresql_restart_under_load_loses_no_message_and_answers_none_twice(
    model_path: Path,
    private_postgres: PrivatePostgres,
    private_redis: PrivateRedis,
    bot_api: FakeBotApi,
    unavailable_text: str,
    run_bot: Callable[[str, str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_bot(private_postgres.url, private_redis.url)
    await _polling(bot_api)
    chats = Chats(bot_api, unavailable_text)
    before = await chats.ask(list(range(7001, 7001 + ROUND)))
    assert before.answers == ROUND, before  # all up: every one the real answer

    # open connections are closed under the bot ("fast": as a restart for an upgrade does)
    burst = await chats.ask(list(range(7101, 7101 + BURST)), during=private_postgres.stop)
    down = await chats.ask(list(range(7001, 7001 + ROUND)))  # people the bot knows, while it is down
    assert down.answers == ROUND, down  # Rasa keeps the turns in memory meanwhile (its fail-safe tracker store)
    private_postgres.start()
    conversations, people = _stored(private_postgres.url)
    up_at, rasa_back = time.monotonic(), list[float]()

    def stored_again() -> bool:  # Rasa's tracker store and the bot's own tables written again
        now = _stored(private_postgres.url)
        if now[0] > conversations and not rasa_back:
            rasa_back.append(time.monotonic() - up_at)
        return now[0] > conversations and now[1] > people

    recovery, asked, probes = await chats.until_recovered(7201, stored_again)
    after = await chats.ask(list(range(7301, 7301 + ROUND)))
    assert after.answers == ROUND, after  # back to normal
    _report(
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
    unavailable_text: str,
    run_bot: Callable[[str, str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    run_bot(private_postgres.url, private_redis.url)
    await _polling(bot_api)
    chats = Chats(bot_api, unavailable_text)
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
    _report(
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
