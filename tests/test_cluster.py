"""`python -m bot cluster`: nginx -> two bot replicas (webhook) -> two Rasa workers, on the real PostgreSQL and Redis.

Updates are POSTed to nginx as Telegram would (resent after a 5xx, as Telegram does); the replicas answer
through the fake Bot API. A replica and then a Rasa worker are killed between rounds: every update of every
round is answered exactly once, with the right topic, and the killed parts come back.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.deploy.nginx import nginx_binary
from tests.helpers.cluster import WEBHOOK_SECRET, post_update, running_cluster
from tests.helpers.fake_bot_api import FakeBotApi, user
from tests.helpers.processes import children
from tests.helpers.telegram import TOKEN, buttons
from tests.helpers.waiting import until

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the cluster's parts in /proc"),
]

QUESTION = "how do I register at the town hall"
TOPIC = "registration.municipal"


async def _round(api: FakeBotApi, hook: str, uids: range) -> None:
    """One question from each person through nginx; each answered once, with the topic's answer."""
    since = api.mark()
    async with aiohttp.ClientSession() as session:
        for uid in uids:
            await post_update(session, hook, api.webhook_update(user(uid, "en"), QUESTION))
    for uid in uids:
        replies = await api.replies(uid, since, timeout=120)
        answers = [m for m in replies if any(b.get("callback_data", "").startswith("fb:") for b in buttons(m))]
        assert len(answers) == 1, replies  # answered, and only once
        assert any(b["callback_data"].endswith(":" + TOPIC) for b in buttons(answers[0])), answers[0]


async def test_the_cluster_answers_through_nginx_and_heals(
    model_path: Path, postgres_url: str, redis_server: str, bot_api: FakeBotApi, tmp_path: Path
):
    env = {"DATABASE_URL": postgres_url, "REDIS_URL": redis_server, "PSEUDONYM_SECRET": "cluster-test-pseudonym-secret"}
    async with running_cluster(bot_api, tmp_path, env) as cluster:
        pid, hook = cluster.process.pid, cluster.hook
        replicas = children(pid, b"run")
        workers = children(pid, b"bot.rasa.worker")
        assert len(replicas) == 2 and len(workers) == 2, (replicas, workers)
        assert bot_api.called("setWebhook")[0].params["url"] == hook

        await _round(bot_api, hook, range(5001, 5011))

        os.kill(replicas[0], signal.SIGKILL)  # between rounds: no update in its hands
        await _round(bot_api, hook, range(5011, 5021))  # nginx sends them all to the other replica
        await until(lambda: "bot replica 1 is back" in cluster.logged(), timeout=120, every=0.5)

        os.kill(workers[0], signal.SIGKILL)
        await _round(bot_api, hook, range(5021, 5031))  # the other worker takes its conversations
        await until(lambda: "Rasa worker 1 is back" in cluster.logged(), timeout=180, every=0.5)
        assert len(children(pid, b"bot.rasa.worker")) == 2
        await _round(bot_api, hook, range(5001, 5011))  # the first people again, every part up
    logged = cluster.logged()
    assert cluster.process.returncode == 0, logged[-3000:]
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
