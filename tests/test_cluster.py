"""`python -m bot cluster`: nginx -> two bot replicas (webhook) -> two Rasa workers, on the real PostgreSQL and Redis.

Updates are POSTed to nginx as Telegram would (resent after a 5xx, as Telegram does); the replicas answer
through the fake Bot API. A replica and then a Rasa worker are killed between rounds: every update of every
round is answered exactly once, with the right topic, and the killed parts come back.
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

from bot.deploy.nginx import nginx_binary
from bot.rasa.child import free_port
from bot.settings import REPO
from tests.helpers.fake_bot_api import FakeBotApi, user
from tests.helpers.processes import children
from tests.helpers.telegram import buttons
from tests.helpers.waiting import until

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the cluster's parts in /proc"),
]

TOKEN = "123456:CLUSTER-TOKEN"
WEBHOOK_SECRET = "cluster-secret_0123456789"
QUESTION = "how do I register at the town hall"
TOPIC = "registration.municipal"
TELEGRAM_TRIES = 5  # a 5xx (the replica died while reading it) is retried, as Telegram does
START_TIMEOUT = 300.0  # two workers load the model at once, on a machine that may be busy


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    await api.start()
    yield api
    await api.stop()


async def _round(api: FakeBotApi, hook: str, uids: range) -> None:
    """One question from each person through nginx; each answered once, with the topic's answer."""
    since = api.mark()
    async with aiohttp.ClientSession() as session:
        for uid in uids:
            update = api.webhook_update(user(uid, "en"), QUESTION)
            headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
            for attempt in range(TELEGRAM_TRIES):  # Telegram resends an update its webhook call did not take
                async with session.post(hook, json=update, headers=headers) as resp:
                    if resp.status == 200:
                        break
                    assert resp.status >= 500 and attempt < TELEGRAM_TRIES - 1, await resp.text()
                await asyncio.sleep(1)
    for uid in uids:
        replies = await api.replies(uid, since, timeout=120)
        answers = [m for m in replies if any(b.get("callback_data", "").startswith("fb:") for b in buttons(m))]
        assert len(answers) == 1, replies  # answered, and only once
        assert any(b["callback_data"].endswith(":" + TOPIC) for b in buttons(answers[0])), answers[0]


async def test_the_cluster_answers_through_nginx_and_heals(
    model_path: Path, postgres_url: str, redis_server: str, bot_api: FakeBotApi, tmp_path: Path
):
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
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_server,
        "PSEUDONYM_SECRET": "cluster-test-pseudonym-secret",
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        "RASA_TIMEOUT": "60",  # a busy CI machine: correctness here, speed in bench/
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

    try:
        await until(up, timeout=START_TIMEOUT, every=0.5)
        replicas = children(cluster.pid, b"run")
        workers = children(cluster.pid, b"bot.rasa.worker")
        assert len(replicas) == 2 and len(workers) == 2, (replicas, workers)
        assert bot_api.called("setWebhook")[0].params["url"] == hook

        await _round(bot_api, hook, range(5001, 5011))

        os.kill(replicas[0], signal.SIGKILL)  # between rounds: no update in its hands
        await _round(bot_api, hook, range(5011, 5021))  # nginx sends them all to the other replica
        await until(lambda: "bot replica 1 is back" in log.read_text(errors="replace"), timeout=120, every=0.5)

        os.kill(workers[0], signal.SIGKILL)
        await _round(bot_api, hook, range(5021, 5031))  # the other worker takes its conversations
        await until(lambda: "Rasa worker 1 is back" in log.read_text(errors="replace"), timeout=180, every=0.5)
        assert len(children(cluster.pid, b"bot.rasa.worker")) == 2
        await _round(bot_api, hook, range(5001, 5011))  # the first people again, every part up
    finally:
        cluster.send_signal(signal.SIGTERM)
        try:
            cluster.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()
    assert cluster.returncode == 0, log.read_text(errors="replace")[-3000:]
    logged = log.read_text(errors="replace")
    assert "bot replica 1 exited with code -9; restarting it" in logged, logged[-3000:]
    assert "Rasa worker 1 exited with code -9; restarting it" in logged, logged[-3000:]


def test_a_cluster_that_could_not_work_is_refused_with_what_to_set(tmp_path: Path):
    from bot.deploy.cluster import check
    from bot.settings import Settings, SettingsError

    full = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "PSEUDONYM_SECRET": "cluster-test-pseudonym-secret",
        "VAR_DIR": str(tmp_path),
    }
    for missing, named in [
        ("TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_URL"),
        ("REDIS_URL", "REDIS_URL"),
        ("PSEUDONYM_SECRET", "PSEUDONYM_SECRET"),
        ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN"),
    ]:
        env = {k: v for k, v in full.items() if k != missing}
        with pytest.raises(SettingsError, match=named):
            check(Settings.from_env(env), 2, 2)
    with pytest.raises(SettingsError, match="at least 1"):
        check(Settings.from_env(full), 0, 2)
    if nginx_binary() is not None:
        check(Settings.from_env(full), 2, 2)


def test_nginx_passes_a_refused_connection_on_but_never_a_post_a_replica_took(tmp_path: Path):
    from bot.deploy.nginx import config

    conf = config(8443, [40001, 40002], tmp_path)
    assert "listen 127.0.0.1:8443;" in conf
    assert "server 127.0.0.1:40001" in conf and "server 127.0.0.1:40002" in conf
    assert "proxy_next_upstream error timeout http_502 http_503;" in conf
    assert "non_idempotent" not in conf  # a POST that reached a replica is not sent to a second one
    assert "access_log off;" in conf  # no addresses on disk
