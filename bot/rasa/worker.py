"""One Rasa server the bot starts as a child process (RASA_WORKERS): the model, Rasa's HTTP API and REST channel.

`python -m bot.rasa.worker --model M --port P --action-url U [--interface I] [--memory] [--init-lock F]`. It is
`rasa run --enable-api` with what the in-process Agent has too: our speed-ups (Rasa's per-action schema check
built once), the log scrubber, the SQL tracker store in DATABASE_URL (--memory: none), Rasa's RedisLockStore
when REDIS_URL is set, RASA_TOKEN for the HTTP API. Started by the bot it listens on the loopback interface
and stops when the bot dies; started on its own (another machine, docs/deploy.md) `--interface` may open it
to the network, and then RASA_TOKEN is required.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.rasa.child import LOOPBACK, die_with_parent

BACKLOG = 512  # connections waiting to be accepted (Rasa's default, 100, is short for a burst)


@contextlib.contextmanager
def _one_at_a_time(lock_file: str | None) -> Iterator[None]:
    """Workers starting together create the tracker store's table one after the other (else they race)."""
    if not lock_file:
        yield
        return
    with open(lock_file, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_app(model: Path, action_url: str, memory: bool = False, init_lock: str | None = None) -> Any:
    """The Sanic app of a Rasa server on the model, with the agent loaded (seconds)."""
    from bot.rasa.client import AgentClient, redis_lock_store
    from bot.rasa.tracker_store import sql_tracker_store
    from bot.settings import Settings

    settings = Settings.from_env()
    with _one_at_a_time(init_lock):
        tracker_store = None if memory else sql_tracker_store(settings.storage.database_url)
    lock_store = redis_lock_store(settings.storage.redis_url) if settings.storage.redis_url else None
    client = AgentClient(model, action_url, settings.rasa.timeout, tracker_store=tracker_store, lock_store=lock_store)
    client.load()
    from rasa.core.channels.rest import RestInput
    from rasa.core.run import configure_app

    app = configure_app([RestInput()], auth_token=settings.rasa.token or None, enable_api=True)
    app.ctx.agent = client.agent
    return app


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGTERM (or the parent's death)."""
    parser = argparse.ArgumentParser(prog="python -m bot.rasa.worker", description=__doc__)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--action-url", required=True)
    parser.add_argument("--interface", default=LOOPBACK, help=f"address to listen on (default {LOOPBACK})")
    parser.add_argument("--memory", action="store_true", help="keep conversations in memory (no tracker store)")
    parser.add_argument("--init-lock", help="a file the workers lock while creating the tracker store")
    args = parser.parse_args(argv)
    die_with_parent()
    from bot.privacy.log_filter import install
    from bot.settings import Settings
    from bot.settings.defaults import LOOPBACK_HOSTS

    if args.interface not in LOOPBACK_HOSTS and not Settings.from_env().rasa.token:
        parser.error(f"--interface {args.interface} opens Rasa's HTTP API to the network: set RASA_TOKEN")
    install(logging.INFO)
    app = build_app(args.model, args.action_url, args.memory, args.init_lock)
    app.run(host=args.interface, port=args.port, workers=1, access_log=False, motd=False, backlog=BACKLOG)


if __name__ == "__main__":
    main()
