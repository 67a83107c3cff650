"""RASA_WORKERS: Rasa servers the bot starts as child processes, sharing its tracker store, supervised."""

from __future__ import annotations

import os
import signal
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.processes import children
from tests.helpers.waiting import until

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the workers in /proc"),
]

QUESTION = "how do I register at the town hall"


def _worker_pid(port: int) -> int | None:
    """The pid of this process's Rasa worker listening on port, if any."""
    found = children(os.getpid(), b"bot.rasa.worker", str(port).encode())
    return found[0] if found else None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


async def test_workers_share_conversations_and_come_back_after_one_dies(
    model_path: Path, content_copy: Path, tmp_path: Path
):
    from bot.rasa.client import HttpRasaClient
    from bot.settings import Settings
    from bot.wiring import open_assistant

    settings = Settings.from_env({"CONTENT_DIR": str(content_copy), "VAR_DIR": str(tmp_path), "RASA_WORKERS": "2"})
    database = f"sqlite:///{tmp_path / 'assistant.db'}"
    async with open_assistant(settings, model_path, database_url=database) as assistant:
        client = assistant.client
        assert isinstance(client, HttpRasaClient) and len(client.urls) == 2
        ports = [int(url.rsplit(":", 1)[1]) for url in client.urls]
        pids = {port: _worker_pid(port) for port in ports}
        assert all(pids.values()), pids  # two worker processes, children of this one

        first = await assistant.handle("w-1", QUESTION, "en")
        assert first.topic == "registration.municipal"
        home = client.servers_for("w-1")[0]
        home_port = int(home.rsplit(":", 1)[1])
        os.kill(pids[home_port], signal.SIGKILL)  # the conversation's own worker dies

        again = await assistant.handle("w-1", QUESTION, "en")  # the other worker answers at once
        assert again.topic == "registration.municipal"
        texts = [e.get("text") for e in await client.events("w-1") if e.get("event") == "user"]
        assert texts.count(QUESTION) == 2  # one conversation in the shared tracker store, both turns in it

        await until(lambda: _worker_pid(home_port) not in (None, pids[home_port]), timeout=120, every=0.5)

        await until(lambda: _answers(home), timeout=120, every=0.5)  # restarted on the same port
        back = await assistant.handle("w-1", QUESTION, "en")
        assert back.topic == "registration.municipal"
    for port in ports:
        assert _worker_pid(port) is None  # stopped with the assistant
