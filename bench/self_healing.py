"""The action server killed under a running assistant: how soon real answers come back, and nothing silent.

`.venv/bin/python -m bench.self_healing [--kills 3] [--every 0.25]`: the assistant as `make run` starts
it (in-process Rasa, its own supervised action server, SQLite in a temporary VAR_DIR). A question
every `--every` seconds, each from a new conversation; after a few answers the action server is killed
with SIGKILL. Printed per kill: seconds until the first real answer again, how many questions got the
"temporarily unavailable" reply meanwhile, and how many got no reply at all (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench.load import load_questions
from bot.settings import REPO
from tests.helpers.processes import children

AFTER = 5  # real answers in a row after a kill before the next kill
GIVE_UP = 60.0  # seconds after a kill without a real answer: reported as not recovered


async def run(args: argparse.Namespace, var: Path) -> int:
    from bot.settings import Settings
    from bot.wiring import open_assistant

    questions = load_questions(args.seed)["en"]
    settings = Settings.from_env({"CONTENT_DIR": str(REPO / "content"), "VAR_DIR": str(var)})
    failures = 0
    async with open_assistant(settings, args.model) as assistant:
        port = assistant.client.action_url.rsplit(":", 1)[1].split("/")[0]
        n = 0

        async def ask() -> str:
            nonlocal n
            n += 1
            turn = await assistant.handle(f"heal-{n}", questions[n % len(questions)], "en")
            return "silent" if not turn.reply.messages else ("down" if turn.topic == "unavailable" else "real")

        for _ in range(AFTER):
            await ask()
        print("kill  back after s  unavailable replies  silent  questions", flush=True)
        for k in range(1, args.kills + 1):
            servers = children(os.getpid(), b"bot.rasa.action_server", port.encode())
            if len(servers) != 1:
                sys.exit(f"expected one action server on port {port}, found {servers}")
            os.kill(servers[0], signal.SIGKILL)
            killed = time.monotonic()
            down = silent = asked = in_a_row = 0
            back: float | None = None
            while in_a_row < AFTER and time.monotonic() - killed < GIVE_UP:
                await asyncio.sleep(args.every)
                outcome = await ask()
                asked += 1
                down += outcome == "down"
                silent += outcome == "silent"
                in_a_row = in_a_row + 1 if outcome == "real" else 0
                if outcome == "real" and back is None:
                    back = time.monotonic() - killed
            failures += back is None or silent > 0
            shown = f"{back:.1f}" if back is not None else f"> {GIVE_UP:g}"
            print(f"{k:>4}  {shown:>12}  {down:>19}  {silent:>6}  {asked:>9}", flush=True)
    return failures


def main() -> None:
    """Kill the action server --kills times and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--every", type=float, default=0.25, help="seconds between questions (default 0.25)")
    parser.add_argument("--model", type=Path, help="model file (default: the current data's, trained if missing)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.kills < 1 or args.every <= 0:
        parser.error("--kills and --every must be positive")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.model is None:
        from bot.rasa.training import train

        args.model = train()
    with tempfile.TemporaryDirectory(prefix="bench-heal-") as tmp:
        sys.exit(1 if asyncio.run(run(args, Path(tmp))) else 0)


if __name__ == "__main__":
    main()
