"""The processes the Telegram benchmark starts: the bot, and Rasa's own server with its action server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.load import START_TIMEOUT
from bot.rasa.action_server import ActionServer, free_port
from bot.settings import REPO


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the deployment's own settings, plus extra."""
    drop = {
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_WEBHOOK_SECRET",
        "TELEGRAM_API_BASE_URL",
        "RASA_URL",
        "RASA_TOKEN",
        "DATABASE_URL",
        "ACTION_SERVER_URL",
        "VAR_DIR",
        "CONTENT_DIR",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return {**env, **extra}


def start_module(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`python -m <args>` from the repository, in its own session, its output in log."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Stop a child started in its own session: SIGTERM, then SIGKILL to its whole group if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


async def wait_until(ready: Callable[[], bool], proc: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():  # bounded: START_TIMEOUT
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}:\n{tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {START_TIMEOUT:.0f} s:\n{tail(log)}")
        await asyncio.sleep(0.5)


@contextlib.contextmanager
def rasa_server(model: Path, tmp: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path, list[int]]]:
    """`python -m rasa run --enable-api` on the model, with its own action server and SQLite tracker store.

    Yields the URL, the process, its log and the pids of both processes (for cpu_seconds).
    """
    actions = ActionServer(env={"CONTENT_DIR": str(REPO / "content")}, log_path=tmp / "rasa-actions.log")
    actions.start()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f"action_endpoint:\n  url: {actions.url}\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'rasa-tracker.db'}\n",
        encoding="utf-8",
    )
    port = free_port()
    log = tmp / "rasa.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "rasa",
                "run",
                "--enable-api",
                "--model",
                str(model),
                "--port",
                str(port),
                "--endpoints",
                str(endpoints),
                "--interface",
                "127.0.0.1",
            ],
            cwd=tmp,
            env=clean_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            pids = [proc.pid, *([actions.proc.pid] if actions.proc else [])]
            yield f"http://127.0.0.1:{port}", proc, log, pids
        finally:
            stop(proc)
            actions.stop()


def status_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/status", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) used so far by these processes and their living descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo, seen = 0.0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # exited meanwhile
    return total
