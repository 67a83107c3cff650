"""`python -m bot cluster` started for a test, updates POSTed to its nginx as Telegram would, and stopped.

Used by tests/test_cluster.py (replica and worker killed) and tests/test_cluster_faults.py (PostgreSQL
restarted, Redis stopped).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.deploy.nginx import nginx_binary
from bot.rasa.child import free_port
from bot.settings import REPO
from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.telegram import TOKEN
from tests.helpers.waiting import until

WEBHOOK_SECRET = "cluster-secret_0123456789"
TELEGRAM_TRIES = 5  # a 5xx (the replica died while reading it) is retried, as Telegram does
START_TIMEOUT = 300.0  # two workers load the model at once, on a machine that may be busy


@dataclass
class RunningCluster:
    """The cluster's process, its log and the webhook URL nginx serves."""

    process: subprocess.Popen[bytes]
    log: Path
    hook: str

    def logged(self) -> str:
        """Everything the cluster and its parts logged so far."""
        return self.log.read_text(errors="replace")


@contextlib.asynccontextmanager
async def running_cluster(
    bot_api: FakeBotApi, tmp_path: Path, env: Mapping[str, str], replicas: int = 2, workers: int = 2
) -> AsyncIterator[RunningCluster]:
    """Start the cluster (env: DATABASE_URL, REDIS_URL, … on top of the test's), wait until it is up; SIGTERM after."""
    if nginx_binary() is None:
        pytest.fail("nginx is not installed (make install installs it as root: apt-get install nginx)")
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    full = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RASA_"))},
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": bot_api.url,
        "TELEGRAM_WEBHOOK_URL": hook,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "VAR_DIR": str(tmp_path / "var"),
        "LOG_LEVEL": "WARNING",
        "RASA_TIMEOUT": "60",  # a busy CI machine: correctness here, speed in bench/
        **env,
    }
    log = tmp_path / "cluster.log"
    args = ["--replicas", str(replicas), "--workers", str(workers), "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "cluster", *args],
            cwd=REPO,
            env=full,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    cluster = RunningCluster(process, log, hook)

    def up() -> bool:
        assert process.poll() is None, cluster.logged()[-3000:]
        return "Cluster up" in cluster.logged()

    try:
        await until(up, timeout=START_TIMEOUT, every=0.5)
        yield cluster
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def post_update(session: aiohttp.ClientSession, hook: str, update: dict[str, Any]) -> None:
    """POST one update to the webhook as Telegram does: again after a 5xx, until it is taken."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    for attempt in range(TELEGRAM_TRIES):
        async with session.post(hook, json=update, headers=headers) as resp:
            if resp.status == 200:
                return
            assert resp.status >= 500 and attempt < TELEGRAM_TRIES - 1, await resp.text()
        await asyncio.sleep(1)
