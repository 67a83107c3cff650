"""Alerts survive a killed bot and are shared by replicas: every subscriber gets the alert exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.editorial.alerts import send_main
from bot.settings import REPO
from bot.storage import alerts as store
from bot.telegram.features.alert_delivery import IN_FLIGHT
from tests.helpers.alerts import ALERT, add_subscribers, alert_content, alert_env, alert_settings, database
from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.waiting import until

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`python -m bot run` (Rasa unreachable: alerts need none) in a child process."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=REPO, env={**os.environ, **env}, stdout=out, stderr=out
        )


def _sent(db: object) -> int:
    return sum(n.get("sent", 0) for n in store.delivery_status(db).get(ALERT, {}).values())  # type: ignore[arg-type]


async def test_a_bot_killed_mid_send_and_restarted_sends_each_alert_once(
    bot_api: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    content = alert_content(tmp_path)
    env = alert_env(content, tmp_path / "var", bot_api.url, ALERTS_CLAIM_SECONDS="2")
    settings = alert_settings(content, tmp_path / "var", bot_api.url)
    people = {8000 + i: "th" for i in range(120)}
    db = database(settings)
    await add_subscribers(db, people)
    assert send_main(settings, ALERT, False) == 0
    assert json.loads(capsys.readouterr().out)["queued"] == 120
    bot_api.hold_after = 30  # the 31st message and those after wait at "Telegram"...
    first = _bot(env, tmp_path / "bot.log")
    try:
        # ...every sending slot of the bot waits there, the 30 delivered are recorded: then it dies. (A message
        # Telegram accepted just before a kill, not yet recorded, would be sent again: docs/alerts.md.)
        await bot_api.wait_for(lambda calls: bot_api.held == IN_FLIGHT, timeout=300)
        await until(lambda: _sent(db) == 30)
        first.send_signal(signal.SIGKILL)
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    assert _sent(db) == 30 and len(bot_api.delivered()) == 30
    bot_api.stop_holding()  # what the dead bot had in flight never reaches anyone
    second = _bot(env, tmp_path / "bot.log")
    try:
        await until(lambda: _sent(db) == 120, timeout=300, every=0.2)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(60)
    for uid in people:
        assert len(bot_api.sent(uid)) == 1, uid
    db.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_two_replicas_send_one_queue_once(
    bot_api: FakeBotApi,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    backend: str,
    request: pytest.FixtureRequest,
):
    shared = {"DATABASE_URL": request.getfixturevalue("postgres_url")} if backend == "postgresql" else {}
    content = alert_content(tmp_path)
    env = alert_env(content, tmp_path / "var", bot_api.url, **shared)
    settings = alert_settings(content, tmp_path / "var", bot_api.url, **shared)
    people = {9000 + i: ("my" if i % 2 else "km") for i in range(150)}
    db = database(settings)
    await add_subscribers(db, people)
    bot_api.hold_after = 0  # hold every send until both replicas are up, so both take part
    replicas = [_bot(env, tmp_path / f"replica-{i}.log") for i in range(2)]
    try:
        await bot_api.wait_for(lambda calls: len(bot_api.called("getMe")) >= 2, timeout=300)
        assert send_main(settings, ALERT, False) == 0
        assert json.loads(capsys.readouterr().out)["queued"] == 150
        await bot_api.wait_for(lambda calls: bot_api.held >= 2, timeout=60)
        bot_api.release_held()
        await until(lambda: _sent(db) == 150, timeout=300, every=0.2)
    finally:
        for proc in replicas:
            proc.send_signal(signal.SIGTERM)
        for proc in replicas:
            proc.wait(60)
    for uid in people:
        assert len(bot_api.sent(uid)) == 1, uid
    db.close()
