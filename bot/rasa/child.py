"""A server of ours in a child process on a loopback port: started, checked, restarted when it dies, stopped."""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from bot.settings import REPO, environment
from bot.settings.environment import ACTION_SERVER_PARENT as PARENT_ENV
from bot.settings.environment import has_parent, started_by

LOOPBACK = "127.0.0.1"  # where our servers listen: never every interface
CHECK_EVERY = 1.0  # seconds between looks at the child while supervising
MAX_BACKOFF = 30.0  # seconds: the longest wait before restarting a server that keeps dying
PR_SET_PDEATHSIG = 1  # Linux prctl option: a signal for this process when its parent dies

log = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def die_with_parent() -> None:
    """In a child: be stopped (SIGTERM) when the process that started it dies, even if it is killed.

    On Linux the kernel sends the signal (a closed terminal, a crash): no server is left behind.
    Elsewhere, or when started by hand or by a service manager (no parent of ours), this does nothing.
    """
    if sys.platform.startswith("linux") and has_parent():
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if not started_by(os.getppid()):
            sys.exit(0)  # the parent died before the line above took effect


def private_log(path: Path) -> BinaryIO:
    """The log file opened for appending, readable by this user only (it sits in var/, 0600 like the rest)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)  # also a log left by an older version
    return os.fdopen(fd, "ab")


class ChildServer:
    """`python -m <module> <arguments>` on a free local port, for as long as needed, restarted when it dies.

    Subclasses name the module, its arguments and the path that answers 200 once it can serve.
    """

    name = "server"
    health_path = "/health"

    def __init__(
        self, env: Mapping[str, str] | None = None, log_path: Path | None = None, start_timeout: float = 120.0
    ):
        self.port = free_port()
        self.env = {**environment(), **(env or {})}
        self.log_path = log_path
        self.start_timeout = start_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self._deadline = 0.0
        self._stopping = False
        self.restarts = 0

    def command(self) -> list[str]:
        """The child's command line."""
        raise NotImplementedError

    def answers(self, url: str) -> bool:
        """Whether the server can serve: its health URL answers 200."""
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                return bool(resp.status == 200)  # noqa: PLR2004
        except OSError:
            return False

    def start(self, wait: bool = True) -> None:
        """Start the server and (unless wait is False: call wait_ready later) wait until it answers."""
        out = private_log(self.log_path) if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            self.command(),
            cwd=REPO,
            env={**self.env, PARENT_ENV: str(os.getpid())},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        if not isinstance(out, int):
            out.close()  # the child has its own copy
        self._deadline = time.monotonic() + self.start_timeout
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until the started server answers; raise if it exits or takes too long."""
        assert self.proc is not None, "start() first"
        health = f"http://{LOOPBACK}:{self.port}{self.health_path}"
        while time.monotonic() < self._deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"The {self.name} exited with code {self.proc.returncode}"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            if self.answers(health):
                return
            time.sleep(0.2)
        self._terminate()
        raise RuntimeError(f"The {self.name} did not start within {self.start_timeout:.0f}s")

    async def supervise(self, every: float = CHECK_EVERY) -> None:
        """Restart the server whenever it dies (same port, so whoever calls it need not know), until stopped.

        Each restart is logged; one that keeps dying is retried after 1, 2, 4 ... up to MAX_BACKOFF seconds.
        Meanwhile the assistant answers "temporarily unavailable" with the hotlines (never silent).
        """
        failures = 0
        while not self._stopping:
            await asyncio.sleep(every)
            if self._stopping or self.proc is None or self.proc.poll() is None:
                continue
            log.error("The %s exited with code %s; restarting it", self.name, self.proc.returncode)
            if failures:
                await asyncio.sleep(min(every * 2**failures, MAX_BACKOFF))
            if self._stopping:
                return
            try:
                await asyncio.to_thread(self.start)
            except RuntimeError as error:  # it did not come up: try again, waiting longer
                log.error("Restarting the %s failed: %s", self.name, error)
                failures += 1
                continue
            failures = 0
            self.restarts += 1
            log.warning("The %s is back (restart %d)", self.name, self.restarts)

    def stop(self) -> None:
        """Stop the server (terminate, then kill if it hangs); supervision ends too."""
        self._stopping = True
        self._terminate()

    def _terminate(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> ChildServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
