"""Start and stop the rasa-sdk action server as a child process."""

from __future__ import annotations

import ctypes
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from bot.settings import REPO, environment
from bot.settings.environment import ACTION_SERVER_PARENT as PARENT_ENV
from bot.settings.environment import started_by

LOOPBACK = "127.0.0.1"  # where the server listens (rasa-sdk's default, 0.0.0.0, is every interface)


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


PR_SET_PDEATHSIG = 1  # Linux prctl option: a signal for this process when its parent dies


def main() -> None:
    """`python -m bot.rasa.action_server <rasa_sdk arguments>`: rasa-sdk, stopped when the process that started it dies.

    On Linux the kernel sends SIGTERM when the parent dies, even if it is killed (a closed terminal,
    a crash): no server is left behind. Elsewhere rasa-sdk simply runs.
    """
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if not started_by(os.getppid()):
            sys.exit(0)  # the parent died before the line above took effect
    from actions.context import content_store

    content_store().current()  # load (and check) the content before /health answers, not on the first action
    runpy.run_module("rasa_sdk", run_name="__main__", alter_sys=True)


class ActionServer:
    """`python -m rasa_sdk --actions actions` on a free local port, for as long as needed."""

    def __init__(self, env: dict[str, str] | None = None, log_path: Path | None = None, start_timeout: float = 120.0):
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}/webhook"
        self.env = {**environment(), "SANIC_HOST": LOOPBACK, **(env or {})}  # never reachable from the network
        self.log_path = log_path
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self._deadline = 0.0

    def start(self, wait: bool = True) -> None:
        """Start the server and (unless wait is False: call wait_ready later) wait until /health answers."""
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.rasa.action_server", "--actions", "actions", "--port", str(self.port)],
            cwd=REPO,
            env={**self.env, PARENT_ENV: str(os.getpid())},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        self._deadline = time.monotonic() + self.start_timeout
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until the started server's /health answers; raise if it exits or takes too long."""
        assert self.proc is not None, "start() first"
        deadline = self._deadline
        health = f"http://{LOOPBACK}:{self.port}/health"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"The action server exited with code {self.proc.returncode}"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            try:
                with urllib.request.urlopen(health, timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"The action server did not start within {self.start_timeout:.0f}s")

    def stop(self) -> None:
        """Stop the server (terminate, then kill if it hangs)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> ActionServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


if __name__ == "__main__":
    main()
