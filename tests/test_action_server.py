"""The action server the chat, `ask` and the bot start: local only, and gone when they stop, even when killed."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from bot.settings import REPO
from tests.helpers.processes import children
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


async def test_a_killed_server_is_restarted_on_its_port_and_the_restart_logged(caplog: pytest.LogCaptureFixture):
    import asyncio
    import logging
    import os
    import signal

    from bot.rasa.action_server import ActionServer

    server = ActionServer()
    await asyncio.to_thread(server.start)
    watch = asyncio.create_task(server.supervise(every=0.2))
    try:
        assert server.proc is not None
        first = server.proc.pid
        with caplog.at_level(logging.WARNING, logger="bot.rasa.child"):
            os.kill(first, signal.SIGKILL)  # as a crash, or someone killing it
            await until(lambda: server.restarts == 1, timeout=120)
        assert server.proc.pid != first and _answers(server.port)  # a new process, the same URL for Rasa
        logged = [r.getMessage() for r in caplog.records]
        assert any("exited with code -9; restarting it" in m for m in logged), logged
    finally:
        server.stop()
        await asyncio.wait_for(watch, 5)  # supervision ends with stop()
    assert server.proc.poll() is not None and server.restarts == 1


async def test_answers_come_back_by_themselves_after_the_action_server_dies(
    model_path: Path, content_copy: Path, tmp_path: Path
):
    import os
    import signal

    from bot.settings import Settings
    from bot.wiring import open_assistant

    settings = Settings.from_env({"CONTENT_DIR": str(content_copy), "VAR_DIR": str(tmp_path)})
    async with open_assistant(settings, model_path) as assistant:
        question = "how do I register at the town hall"
        before = await assistant.handle("heal-1", question, "en")
        port = assistant.client.action_url.rsplit(":", 1)[1].split("/")[0]  # this assistant's own server
        servers = children(os.getpid(), b"bot.rasa.action_server", port.encode())
        assert len(servers) == 1
        os.kill(servers[0], signal.SIGKILL)
        during = await assistant.handle("heal-1", question, "en")
        assert during.topic != before.topic  # "temporarily unavailable" with the hotlines, never silent

        async def answered() -> bool:
            turn = await assistant.handle("heal-1", question, "en")
            return turn.topic == before.topic  # not the "temporarily unavailable" reply any more

        await until(answered, timeout=120, every=0.5)
