"""The terminal chat (`python -m bot chat`, or `run` without a token) as a person uses it: one line at a time."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import REPO
from tests.helpers.processes import children

_PROMPT = re.compile(r"\n[^\n]+> $")  # "\nYou> ", "\nTú> ", …: the chat waits for the next line


class ChatProcess:
    """The terminal chat in a child process; say() types a line and returns what the chat printed."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, start_timeout: float = 600):
        self._log = open(log, "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        )
        self.log_path = log
        self.intro = self._read_until_prompt(start_timeout)

    def say(self, line: str, timeout: float = 120) -> str:
        """Type line and Enter; the chat's answer, without the next prompt."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode("utf-8") + b"\n")
        self.proc.stdin.flush()
        return self._read_until_prompt(timeout)

    def children(self) -> list[int]:
        """Process ids whose parent is the chat (the action server it started)."""
        return children(self.proc.pid)

    def quit(self, timeout: float = 60) -> int:
        """Type /quit; the chat's exit code."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"/quit\n")
        self.proc.stdin.flush()
        return self.proc.wait(timeout)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._log.close()

    def _read_until_prompt(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        data = b""
        deadline = time.monotonic() + timeout
        while True:
            text = data.decode("utf-8", errors="replace")
            if m := _PROMPT.search(text):
                return text[: m.start()]
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"no prompt within {timeout} s; printed so far: {text[-2000:]!r}; "
                    f"log: {self.log_path.read_text(errors='replace')[-2000:]}"
                )
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise AssertionError(
                        f"the chat exited ({self.proc.wait()}); printed: {text[-2000:]!r}; "
                        f"log: {self.log_path.read_text(errors='replace')[-2000:]}"
                    )
                data += chunk
