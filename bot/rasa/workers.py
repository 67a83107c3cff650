"""Several Rasa servers as child processes of the bot (RASA_WORKERS), so that every core answers.

One Rasa process uses one core: the model's work for a message (NLU, policies) holds the Python
interpreter. N workers each load the model and serve Rasa's REST channel and HTTP API on a loopback
port; the bot sends each conversation to one of them (bot.rasa.client.HttpRasaClient: a stable hash of
the conversation id, the next one if it is down). They share the bot's SQL tracker store, and Rasa's
RedisLockStore when REDIS_URL is set, so a conversation's context follows it to another worker. Each
is supervised: a dead worker is restarted within seconds while the others take its conversations.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

from bot.rasa.child import LOOPBACK, ChildServer


class RasaWorker(ChildServer):
    """`python -m bot.rasa.worker` on a free local port."""

    health_path = "/"  # Rasa's "Hello from Rasa": the worker listens only once the model is loaded

    def __init__(
        self,
        number: int,
        model: Path,
        action_url: str,
        env: Mapping[str, str],
        memory: bool,
        init_lock: Path,
        log_path: Path | None,
    ):
        super().__init__(env, log_path)
        self.name = f"Rasa worker {number}"
        self.model = model
        self.action_url = action_url
        self.memory = memory
        self.init_lock = init_lock
        self.url = f"http://{LOOPBACK}:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "bot.rasa.worker",
            "--model",
            str(self.model),
            "--port",
            str(self.port),
            "--action-url",
            self.action_url,
            "--init-lock",
            str(self.init_lock),
            *(["--memory"] if self.memory else []),
        ]


class RasaWorkers:
    """N Rasa workers: started together, supervised, stopped together. Their API token is new each start."""

    def __init__(
        self,
        count: int,
        model: Path,
        action_url: str,
        var_dir: Path,
        database_url: str | None,
        env: Mapping[str, str] | None = None,
    ):
        if count < 1:
            raise ValueError("RasaWorkers needs at least one worker")
        self.token = secrets.token_urlsafe(24)  # Rasa's HTTP API holds the conversations: not open to other users
        shared = {**(env or {}), "RASA_TOKEN": self.token, "DATABASE_URL": database_url or ""}
        self.workers = [
            RasaWorker(
                n + 1,
                model,
                action_url,
                shared,
                memory=database_url is None,
                init_lock=var_dir / "rasa-workers.lock",
                log_path=var_dir / f"rasa-worker-{n + 1}.log",
            )
            for n in range(count)
        ]

    @property
    def urls(self) -> list[str]:
        return [w.url for w in self.workers]

    def start(self) -> None:
        """Start every worker (they load the model at the same time, one per core) and wait for all."""
        for worker in self.workers:
            worker.start(wait=False)
        try:
            for worker in self.workers:
                worker.wait_ready()
        except RuntimeError:
            self.stop()
            raise

    async def supervise(self) -> None:
        """Restart any worker that dies, until stopped."""
        await asyncio.gather(*(w.supervise() for w in self.workers))

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
