"""`python -m bot cluster`: the whole scaled-out topology on one machine, every part supervised.

N Rasa workers (bot/rasa/workers.py) and one action server; M bot replicas (`python -m bot run` in
webhook mode, Rasa through RASA_URL = the workers, state shared through DATABASE_URL and REDIS_URL);
nginx in front of the replicas on one port, the one TELEGRAM_WEBHOOK_URL points to (through the
deployment's TLS proxy). Any part that dies is restarted within seconds; SIGTERM stops them all.
docs/deploy.md has the same topology on several machines.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import urllib.error
import urllib.request
from pathlib import Path

from bot.deploy.nginx import Nginx, nginx_binary
from bot.rasa.action_server import ActionServer
from bot.rasa.child import LOOPBACK, ChildServer
from bot.rasa.workers import RasaWorkers
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)


class BotReplica(ChildServer):
    """`python -m bot run` in webhook mode on a local port, Rasa elsewhere."""

    def __init__(self, number: int, env: dict[str, str], log_path: Path):
        super().__init__(log_path=log_path)
        self.name = f"bot replica {number}"
        self.env.update(env)
        self.env.update({"TELEGRAM_WEBHOOK_LISTEN": LOOPBACK, "TELEGRAM_WEBHOOK_PORT": str(self.port)})
        self.health_path = ""

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bot", "run"]

    def answers(self, url: str) -> bool:
        """Its webhook server answers anything (405 to a GET): it is listening, after its start-up."""
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False


def check(settings: Settings, replicas: int, workers: int) -> None:
    """Refuse a cluster that could not work, saying what to set."""
    if replicas < 1 or workers < 1:
        raise SettingsError("--replicas and --workers must be at least 1.")
    if not settings.telegram.token:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set.")
    if not settings.telegram.webhook_url:
        raise SettingsError("TELEGRAM_WEBHOOK_URL is not set: replicas receive updates through a webhook.")
    if not settings.storage.redis_url:
        raise SettingsError("REDIS_URL is not set: replicas share flood counts, pacing and Rasa's locks there.")
    if not settings.storage.pseudonym_secret:
        raise SettingsError("PSEUDONYM_SECRET is not set: every replica must make the same pseudonyms.")
    if settings.rasa.urls:
        raise SettingsError("RASA_URL is set: the cluster starts its own Rasa workers.")
    if nginx_binary() is None:
        raise SettingsError("nginx is not installed: make install (as root) or sudo apt-get install nginx.")


class Cluster:
    """The parts, started in order and stopped in reverse."""

    def __init__(self, settings: Settings, model: Path, replicas: int, workers: int, port: int):
        var = settings.storage.var_dir
        var.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.actions = ActionServer.for_settings(settings)
        self.workers = RasaWorkers(workers, model, self.actions.url, var, settings.storage.database_url)
        shared = {
            "RASA_URL": ",".join(self.workers.urls),
            "RASA_TOKEN": self.workers.token,
            "RASA_WORKERS": "0",
            "DATABASE_URL": settings.storage.database_url,
        }
        self.replicas = [BotReplica(n + 1, shared, var / f"bot-replica-{n + 1}.log") for n in range(replicas)]
        self.nginx = Nginx(port, [r.port for r in self.replicas], var / "nginx")

    @property
    def parts(self) -> list[ChildServer]:
        return [self.actions, *self.workers.workers, *self.replicas, self.nginx]

    def start(self) -> None:
        """Action server and workers together; the first replica alone (it migrates the database); the rest."""
        self.actions.start(wait=False)
        self.workers.start()
        self.actions.wait_ready()
        self.replicas[0].start()
        for replica in self.replicas[1:]:
            replica.start(wait=False)
        for replica in self.replicas[1:]:
            replica.wait_ready()
        self.nginx.start()

    def stop(self) -> None:
        for part in reversed(self.parts):
            part.stop()


async def serve(settings: Settings, model: Path, replicas: int, workers: int, port: int) -> int:
    """Start the cluster, supervise it until SIGTERM or Ctrl-C, stop it."""
    cluster = Cluster(settings, model, replicas, workers, port)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    try:
        await asyncio.to_thread(cluster.start)
        print(
            f"Cluster up: nginx on http://{LOOPBACK}:{port} -> {replicas} bot replicas -> {workers} Rasa workers.",
            flush=True,
        )
        watches = [asyncio.create_task(part.supervise()) for part in cluster.parts]
        await stopped.wait()
        for watch in watches:
            watch.cancel()
    finally:
        cluster.stop()
    return 0
