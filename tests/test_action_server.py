"""The action server the chat, `ask` and the bot start: gone when they stop, even when they are killed."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bot.settings import REPO
from tests.helpers.waiting import until

pytestmark = pytest.mark.asyncio(loop_scope="session")

PARENT = """
from bot.action_server import ActionServer
server = ActionServer()
server.start()
print(server.proc.pid, server.port, flush=True)
import sys
sys.stdin.read()  # until the test kills this process
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has stopped; only its exit status is left


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux only")
async def test_a_killed_parent_leaves_no_action_server_behind():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=REPO, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        pid, port = map(int, parent.stdout.readline().split())
        assert _running(pid) and _answers(port)
        parent.kill()  # SIGKILL: the parent cannot stop its child itself
        parent.wait()
        await until(lambda: not _running(pid), timeout=30)
        assert not _answers(port)
    finally:
        if parent.poll() is None:
            parent.kill()
