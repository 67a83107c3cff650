"""The action server the chat, `ask` and the bot start: local only, and gone when they stop, even when killed."""

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
from bot.rasa.action_server import ActionServer
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


def _listening_on(port: int) -> set[str]:
    """The local IPv4/IPv6 addresses (hex, as in /proc/net/tcp*) with a listening socket on port."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal and /proc are Linux only")
async def test_the_action_server_listens_locally_and_dies_with_its_parent():
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        pid, port = map(int, parent.stdout.readline().split())
        assert _running(pid) and _answers(port)
        assert _listening_on(port) == {"0100007F"}  # 127.0.0.1 only: nobody on the network can run our actions
        parent.kill()  # SIGKILL: the parent cannot stop its child itself
        parent.wait()
        await until(lambda: not _running(pid), timeout=30)
        assert not _answers(port)
    finally:
        if parent.poll() is None:
            parent.kill()


def test_the_server_can_start_while_the_caller_does_other_work():
    from bot.rasa.action_server import ActionServer

    server = ActionServer()
    server.start(wait=False)  # returns at once: the caller loads Rasa meanwhile
    try:
        server.wait_ready()
        assert _answers(server.port)
    finally:
        server.stop()
    assert server.proc is not None and server.proc.poll() is not None
