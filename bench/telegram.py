"""Benchmark of the Telegram front end: end-to-end latency under load, and our overhead over Rasa's REST channel.

Run with `.venv/bin/python -m bench.telegram` (`--seconds 5 --rates 1 --search-steps 0` for a quick check).

Telegram side: what `python -m bot run` starts (the real bot, Rasa in-process or in `--workers N` children, an SQLite
database and tracker store in a temporary VAR_DIR) polls the tests' fake Bot API (tests/helpers/fake_bot_api.py).
Latency of one update = from the moment it is queued for getUpdates to the moment the fake server receives
the bot's first sendMessage for that chat.

Rasa side: `python -m rasa run --enable-api` on the same model, its own action server and an SQLite tracker
store; latency = one POST /webhooks/rest/webhook, sent to the moment its answer is read.

Load: questions drawn at random from tests/nlu/*.yml (each simulated user keeps one language), sent on a fixed
schedule at each rate, round-robin over the users (private chats). A user has at most one question waiting
for its answer; after an answer it waits until its chat has been quiet for SETTLE seconds (the bot paces a
chat to one message a second, so a multi-message answer is over) and sends at most USER_MAX_PER_MINUTE
messages in any 60 s (the bot's flood control starts above 20). When no user may send, the tick is skipped
and counted: the rate was not sustained. Everything talks to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.load import (
    SETTLE,
    USER_MAX_PER_MINUTE,
    Result,
    _User,
    _Users,
    drive,
    load_questions,
    make_plan,
    report,
    warm_up,
)
from bench.processes import clean_env, cpu_seconds, start_module, stop, wait_until
from bench.rest import bench_rest
from tests.helpers.fake_bot_api import FakeBotApi, user

TOKEN = "123456:BENCH-TOKEN"
QUIET = 3.0  # seconds without any message from the bot before the next run starts


class BenchBotApi(FakeBotApi):
    """The tests' fake Bot API, also telling the benchmark when a sendMessage arrives."""

    def __init__(self, token: str, on_send: Callable[[int, float], None]):
        super().__init__(token)
        self.on_send = on_send

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "sendmessage":
            self.on_send(int(params["chat_id"]), time.monotonic())
        result = super()._result(method, params)
        if len(self.calls) > 10_000:  # only the benchmark reads arrivals; keep memory flat on long runs
            del self.calls[:5_000]
        return result


def serve_bot(model: Path) -> None:
    """What `python -m bot run` does with a Telegram token, on this model (so both sides use the same file)."""
    import logging
    import warnings

    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore")
    from bot.privacy.log_filter import install
    from bot.settings import Settings
    from bot.telegram import build_application, check_settings, run_until_stopped
    from bot.wiring import open_assistant

    install(logging.WARNING)
    settings = Settings.from_env()
    check_settings(settings)

    async def serve() -> None:
        async with open_assistant(settings, model, database_url=settings.storage.database_url) as assistant:
            await run_until_stopped(build_application(settings, assistant))

    asyncio.run(serve())


async def bench_telegram(
    args: argparse.Namespace,
    questions: dict[str, list[str]],
    tmp: Path,
    model: Path,
    plan: Callable[[Callable[[float, float], Awaitable[Result]]], Awaitable[list[Result]]],
) -> list[Result]:
    users = _Users(args.users, sorted(questions), SETTLE)
    rng = random.Random(args.seed)
    continuations = 0
    last_send = 0.0

    def on_send(chat_id: int, at: float) -> None:
        nonlocal continuations, last_send
        u = users.by_id.get(chat_id)
        if u is None:
            return
        last_send = at
        if current is not None:
            current.messages += 1
        if u.pending and current is not None:
            current.latencies.append(at - u.pending.popleft())
        else:
            continuations += 1  # the 2nd, 3rd... message of an answer
        u.last_reply = at

    current: Result | None = None
    api = BenchBotApi(TOKEN, on_send)
    await api.start()
    log = tmp / "bot.log"
    var = tmp / "bot-var"
    env = clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        PSEUDONYM_SECRET=secrets.token_hex(32),
        TELEGRAM_API_BASE_URL=api.url,
        VAR_DIR=str(var),
        RASA_WORKERS=str(args.workers),
        **({"DATABASE_URL": args.database_url} if args.database_url else {}),
    )
    proc = start_module(["bench.telegram", "--serve-bot", str(model)], env, log)
    try:
        t0 = time.monotonic()
        await wait_until(lambda: bool(api.called("getUpdates")), proc, "python -m bot run", log)
        print(f"telegram: bot polling after {time.monotonic() - t0:.0f} s", file=sys.stderr)

        def send(u: _User, text: str) -> None:
            api.text(user(u.uid, u.lang), text)

        async def run(rate: float, seconds: float) -> Result:
            nonlocal current
            current = Result("telegram", rate, seconds)
            cpu = cpu_seconds([proc.pid])  # the bot, its action server and any Rasa workers
            await drive(users, questions, rng, rate, seconds, send, current, args.drain)
            deadline = time.monotonic() + args.drain
            while time.monotonic() - last_send < QUIET and time.monotonic() < deadline:
                await asyncio.sleep(0.1)  # the last answers' other messages, late answers to lost updates
            current.cpu = cpu_seconds([proc.pid]) - cpu
            print(
                f"telegram {rate:5.1f}/s: p50 {current.q(0.5):.3f} s, p95 {current.q(0.95):.3f} s, "
                f"skipped {current.skipped}, lost {current.lost}",
                file=sys.stderr,
            )
            return current

        current = Result("telegram warm-up", 0, 0)
        t0 = time.monotonic()
        await warm_up(users, questions, send, "/start")
        print(f"telegram: warmed up in {time.monotonic() - t0:.0f} s", file=sys.stderr)
        return await plan(run)
    finally:
        stop(proc)
        await api.stop()
        if continuations:
            print(f"telegram: {continuations} further messages of multi-message answers", file=sys.stderr)


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of each fixed rate (default 60)")
    parser.add_argument("--rates", default="1,10,30", help="fixed rates in messages a second (default 1,10,30)")
    parser.add_argument("--users", type=int, default=100, help="simulated users (default 100)")
    parser.add_argument("--search-steps", type=int, default=3, help="bisection steps for the highest rate")
    parser.add_argument("--search-seconds", type=float, help="duration of a search step (default min(20, seconds))")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait for answers after a run")
    parser.add_argument("--only", choices=["telegram", "rest"], help="run one side only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="RASA_WORKERS for the bot (default 0: in-process)")
    parser.add_argument("--database-url", help="the bot's DATABASE_URL (default: SQLite in a temporary folder)")
    parser.add_argument(
        "--model", type=Path, help="model file (default: bot.rasa.training.model_path(), trained if missing)"
    )
    parser.add_argument("--serve-bot", type=Path, metavar="MODEL", help=argparse.SUPPRESS)  # the bot process
    args = parser.parse_args()
    if args.serve_bot:
        serve_bot(args.serve_bot)
        return
    rates = [float(x) for x in args.rates.split(",") if x.strip()]
    if not rates or min(rates) <= 0 or args.seconds <= 0 or args.users < 1:
        parser.error("rates, --seconds and --users must be positive")
    if max(rates) * 60 / args.users > USER_MAX_PER_MINUTE:
        parser.error(
            f"{max(rates):g} msg/s from {args.users} users is over {USER_MAX_PER_MINUTE} a minute each "
            "(the bot's flood control): use more --users"
        )
    step_seconds = args.search_seconds or min(20.0, args.seconds)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.model:
        model = args.model.resolve()  # Rasa runs in a temporary folder
    else:
        from bot.rasa.training import train

        model = train()  # bot.rasa.training.model_path(): the model of the current data, trained if missing
    print(f"model: {model.name}", file=sys.stderr)
    questions = load_questions(args.seed)
    plan = make_plan(rates, args.seconds, args.search_steps, step_seconds)
    with tempfile.TemporaryDirectory(prefix="bench-telegram-") as name:
        tmp = Path(name)
        results: list[Result] = []
        if args.only != "rest":
            results += asyncio.run(bench_telegram(args, questions, tmp, model, plan))
        if args.only != "telegram":
            results += asyncio.run(bench_rest(args, questions, tmp, model, plan))
    report(results, args)


if __name__ == "__main__":
    main()
