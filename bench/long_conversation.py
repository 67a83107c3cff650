"""A 200-turn conversation: does a long conversation make every turn slower?

`.venv/bin/python -m bench.long_conversation [--turns 200] [--database-url URL]` (default: SQLite in a temporary
folder; e.g. postgresql://postgres@127.0.0.1:5432/test for PostgreSQL). Rasa in this process with its SQL tracker
store, as `python -m bot run` uses it. Per block of turns it prints the p50/p95 of a whole turn (NLU, policies,
actions, tracker store), of the tracker store's retrieve and save alone, and how many events Rasa loads.

Rasa 3.6's SQL tracker store loads only the events since the conversation's last session start, and a session
ends after `session_expiration_time` minutes without a message (domain.yml). `--new-session-every N` starts a new
session every N turns (as the expiry would after a pause), to show what a session boundary changes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.load import load_questions
from bot.rasa.action_server import ActionServer
from bot.rasa.client import AgentClient
from bot.rasa.tracker_store import sql_tracker_store
from bot.settings import REPO

BLOCK = 20  # turns per printed line


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace, database_url: str) -> None:
    questions = load_questions(args.seed)["en"]
    with ActionServer(env={"CONTENT_DIR": str(REPO / "content")}) as actions:
        store = sql_tracker_store(database_url)
        if store is None:
            sys.exit(f"database unreachable: {database_url}")
        client = AgentClient(args.model, actions.url, tracker_store=store)
        client.load()
        sender = f"long-{os.getpid()}-{time.time_ns()}"
        turns: list[float] = []
        retrieves: list[float] = []
        saves: list[float] = []
        loaded: list[int] = []
        print("turns      turn p50/p95 ms   retrieve p50/p95 ms   save p50/p95 ms   events loaded", flush=True)
        for n in range(args.turns):
            if args.new_session_every and n and n % args.new_session_every == 0:
                await client.append_events(
                    sender, [{"event": "session_started"}, {"event": "action", "name": "action_listen"}]
                )
            t0 = time.perf_counter()
            await client.send(sender, questions[n % len(questions)], {"language": "en", "region": "es-barcelona"})
            turns.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            tracker = await store.retrieve(sender)
            retrieves.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            await store.save(tracker)  # nothing new: the cost of checking what to append
            saves.append(time.perf_counter() - t0)
            loaded.append(len(tracker.events))
            if (n + 1) % BLOCK == 0:
                block = slice(n + 1 - BLOCK, n + 1)
                print(
                    f"{n + 2 - BLOCK:3d}-{n + 1:<3d}   {_ms(turns[block], 0.5):6.1f} / {_ms(turns[block], 0.95):6.1f}"
                    f"       {_ms(retrieves[block], 0.5):6.1f} / {_ms(retrieves[block], 0.95):6.1f}"
                    f"        {_ms(saves[block], 0.5):5.1f} / {_ms(saves[block], 0.95):5.1f}"
                    f"       {statistics.mean(loaded[block]):6.0f}",
                    flush=True,
                )
        await client.forget(sender)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--database-url", help="tracker store database (default: SQLite in a temporary folder)")
    parser.add_argument("--new-session-every", type=int, default=0, metavar="N", help="start a session every N turns")
    parser.add_argument("--model", type=Path, help="model file (default: the current data's, trained if missing)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.turns < BLOCK:
        parser.error(f"--turns must be at least {BLOCK}")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.model is None:
        from bot.rasa.training import train

        args.model = train()
    with tempfile.TemporaryDirectory(prefix="bench-long-") as tmp:
        asyncio.run(run(args, args.database_url or f"sqlite:///{Path(tmp) / 'tracker.db'}"))


if __name__ == "__main__":
    main()
