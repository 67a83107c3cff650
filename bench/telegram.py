"""Benchmark of the Telegram front end: end-to-end latency under load, and our overhead over Rasa's REST channel.

Run with `.venv/bin/python -m bench.telegram` (`--seconds 5 --rates 1 --search-steps 0` for a quick check).

Telegram side: what `python -m bot run` starts (the real bot, in-process Agent, SQLite database and tracker store in a
temporary VAR_DIR) polls the tests' fake Bot API (tests/telegram/fake_bot_api.py) served by this process.
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
import contextlib
import math
import os
import platform
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bot.action_server import ActionServer, free_port
from bot.nlu_eval import read_test_set
from bot.settings import REPO
from tests.telegram.fake_bot_api import FakeBotApi, user

TOKEN = "123456:BENCH-TOKEN"
USER_ID_BASE = 910_000_000  # simulated users' Telegram ids (and private chat ids)
SETTLE = 1.5  # seconds a chat must have been quiet before its user asks again (pacing is 1 message/s)
USER_MAX_PER_MINUTE = 19  # the bot warns above 20 in 60 s; see _Users.eligible for why 19 keeps it below
QUIET = 3.0  # seconds without any message from the bot before the next run starts
SLA = 1.0  # seconds: the p95 target of the search
TELEGRAM_GLOBAL_LIMIT = 30.0  # messages a second, Telegram's limit for one bot: the search stops there
START_TIMEOUT = 600.0  # seconds for the bot or Rasa to load the model
REST_TIMEOUT = 60.0  # seconds for one REST request
EXCLUDED_INTENTS = {"forget_me"}  # deletes the person's data in the bot only: not like for like


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@dataclass
class Result:
    """One run at one rate against one front end."""

    front: str
    rate: float
    seconds: float
    sent: int = 0
    skipped: int = 0  # ticks when no user could send (previous answers still pending)
    latencies: list[float] = field(default_factory=list)  # answered updates
    lost: int = 0  # no answer within the drain time (or an HTTP error)
    messages: int = 0  # Telegram: every sendMessage to the users during the run and its drain

    def q(self, p: float) -> float:
        """Percentile p of the latency, unanswered updates counted as infinitely slow."""
        values = self.latencies + [math.inf] * self.lost
        return _percentile(values, p) if values else math.nan

    @property
    def sustained(self) -> bool:
        return bool(self.sent) and not self.lost and not self.skipped and self.q(0.95) < SLA


@dataclass
class _User:
    uid: int
    lang: str
    pending: deque[float] = field(default_factory=deque)  # queue times of updates not answered yet
    last_reply: float = -math.inf
    sends: deque[float] = field(default_factory=deque)


class _Users:
    """The simulated users, who may send now, and round-robin choice among them."""

    def __init__(self, count: int, langs: list[str], settle: float):
        self.users = [_User(USER_ID_BASE + i, langs[i % len(langs)]) for i in range(count)]
        self.by_id = {u.uid: u for u in self.users}
        self.settle = settle
        self._next = 0

    def eligible(self, u: _User, now: float) -> bool:
        """No answer pending, chat quiet, and under the per-user cap.

        With one update pending at a time, the bot handles a user's k-th update between its sending and the
        (k+1)-th sending, so 19 sends in any 60 s mean at most 20 handled in any 60 s: never flood-warned.
        """
        while u.sends and u.sends[0] <= now - 60.0:
            u.sends.popleft()
        return not u.pending and now - u.last_reply >= self.settle and len(u.sends) < USER_MAX_PER_MINUTE

    def pick(self, now: float) -> _User | None:
        """The next user in turn who may send, or None."""
        n = len(self.users)
        for step in range(n):
            u = self.users[(self._next + step) % n]
            if self.eligible(u, now):
                self._next = (self._next + step + 1) % n
                return u
        return None

    def pending(self) -> int:
        return sum(len(u.pending) for u in self.users)


def load_questions(seed: int) -> dict[str, list[str]]:
    """Held-out NLU test texts per language (never used in training)."""
    questions = {}
    for path in sorted((REPO / "tests" / "nlu").glob("*.yml")):
        texts = [t for t, intent in read_test_set(path) if intent not in EXCLUDED_INTENTS]
        random.Random(seed).shuffle(texts)
        questions[path.stem] = texts
    return questions


async def drive(users: _Users, questions: dict[str, list[str]], rng: random.Random, rate: float, seconds: float,
                send: Callable[[_User, str], None], result: Result, drain: float) -> Result:
    """Send rate messages a second for seconds on a fixed schedule, then wait (at most drain s) for answers."""
    total = max(1, int(round(rate * seconds)))
    start = time.monotonic() + 0.1
    for n in range(total):  # bounded: total ticks
        delay = start + n / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        now = time.monotonic()
        u = users.pick(now)
        if u is None:
            result.skipped += 1
            continue
        u.sends.append(now)
        u.pending.append(now)
        result.sent += 1
        send(u, rng.choice(questions[u.lang]))
    deadline = time.monotonic() + drain
    while users.pending() and time.monotonic() < deadline:  # bounded: drain seconds
        await asyncio.sleep(0.05)
    for u in users.users:  # what is still pending is lost; forget it so the next run starts clean
        result.lost += len(u.pending)
        u.pending.clear()
    return result


async def warm_up(users: _Users, questions: dict[str, list[str]], send: Callable[[_User, str], None],
                  greeting: str) -> None:
    """Not measured: one question per language, one at a time (a model's first answers are slow, ~10 s here),
    then a greeting from every user (their first contact is stored)."""

    async def answered() -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while users.pending() and time.monotonic() < deadline:  # bounded: START_TIMEOUT
            await asyncio.sleep(0.05)
        if users.pending():
            raise RuntimeError(f"no answer to {users.pending()} warm-up messages within {START_TIMEOUT:.0f} s")

    def mark(u: _User) -> None:
        now = time.monotonic()
        u.pending.append(now)
        u.sends.append(now)

    for lang in sorted(questions):
        u = next(x for x in users.users if x.lang == lang)
        mark(u)
        send(u, questions[lang][0])
        await answered()
    for u in users.users:
        mark(u)
        send(u, greeting)
        await asyncio.sleep(0.1)
    await answered()


# ---- the Telegram bot against the fake Bot API ------------------------------------------------------


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


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without the deployment's own settings, plus extra."""
    drop = {"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_BASE_URL",
            "RASA_URL", "RASA_TOKEN", "DATABASE_URL", "ACTION_SERVER_URL", "VAR_DIR", "CONTENT_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return {**env, **extra}


def _stop(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Stop a child started in its own session: SIGTERM, then SIGKILL to its whole group if it hangs."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


async def _wait_until(ready: Callable[[], bool], proc: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():  # bounded: START_TIMEOUT
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}:\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {START_TIMEOUT:.0f} s:\n{_tail(log)}")
        await asyncio.sleep(0.5)


def serve_bot(model: Path) -> None:
    """What `python -m bot run` does with a Telegram token, on this model (so both sides use the same file)."""
    import logging
    import warnings

    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore")
    from bot.local import local_assistant
    from bot.log_scrub import install
    from bot.settings import Settings
    from bot.telegram import build_application, check_settings, run_until_stopped

    install(logging.WARNING)
    settings = Settings.from_env()
    check_settings(settings)

    async def serve() -> None:
        async with local_assistant(settings, model, database_url=settings.database_url) as assistant:
            await run_until_stopped(build_application(settings, assistant))

    asyncio.run(serve())


async def bench_telegram(args: argparse.Namespace, questions: dict[str, list[str]], tmp: Path, model: Path,
                         plan: Callable[[Callable[[float, float], Awaitable[Result]]], Awaitable[list[Result]]]
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
    env = _clean_env(TELEGRAM_BOT_TOKEN=TOKEN, PSEUDONYM_SECRET=secrets.token_hex(32),
                     TELEGRAM_API_BASE_URL=api.url, VAR_DIR=str(var))
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bench.telegram", "--serve-bot", str(model)], cwd=REPO,
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            t0 = time.monotonic()
            await _wait_until(lambda: bool(api.called("getUpdates")), proc, "python -m bot run", log)
            print(f"telegram: bot polling after {time.monotonic() - t0:.0f} s", file=sys.stderr)

            def send(u: _User, text: str) -> None:
                api.text(user(u.uid, u.lang), text)

            async def run(rate: float, seconds: float) -> Result:
                nonlocal current
                current = Result("telegram", rate, seconds)
                await drive(users, questions, rng, rate, seconds, send, current, args.drain)
                deadline = time.monotonic() + args.drain
                while time.monotonic() - last_send < QUIET and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)  # the last answers' other messages, late answers to lost updates
                print(f"telegram {rate:5.1f}/s: p50 {current.q(0.5):.3f} s, p95 {current.q(0.95):.3f} s, "
                      f"skipped {current.skipped}, lost {current.lost}", file=sys.stderr)
                return current

            current = Result("telegram warm-up", 0, 0)
            t0 = time.monotonic()
            await warm_up(users, questions, send, "/start")
            print(f"telegram: warmed up in {time.monotonic() - t0:.0f} s", file=sys.stderr)
            return await plan(run)
        finally:
            _stop(proc)
            await api.stop()
            if continuations:
                print(f"telegram: {continuations} further messages of multi-message answers", file=sys.stderr)


# ---- Rasa's own REST channel -------------------------------------------------------------------------


@contextlib.contextmanager
def rasa_server(model: Path, tmp: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """`python -m rasa run --enable-api` on the model, with its own action server and SQLite tracker store."""
    actions = ActionServer(env={"CONTENT_DIR": str(REPO / "content")}, log_path=tmp / "rasa-actions.log")
    actions.start()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(f"action_endpoint:\n  url: {actions.url}\n"
                         f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'rasa-tracker.db'}\n",
                         encoding="utf-8")
    port = free_port()
    log = tmp / "rasa.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--enable-api", "--model", str(model), "--port", str(port),
             "--endpoints", str(endpoints), "--interface", "127.0.0.1"],
            cwd=tmp, env=_clean_env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield f"http://127.0.0.1:{port}", proc, log
        finally:
            _stop(proc)
            actions.stop()


def _status_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/status", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


async def bench_rest(args: argparse.Namespace, questions: dict[str, list[str]], tmp: Path, model: Path,
                     plan: Callable[[Callable[[float, float], Awaitable[Result]]], Awaitable[list[Result]]]
                     ) -> list[Result]:
    users = _Users(args.users, sorted(questions), 0.0)
    rng = random.Random(args.seed)
    with rasa_server(model, tmp) as (url, proc, log):
        t0 = time.monotonic()
        await _wait_until(lambda: _status_ok(url), proc, "rasa run", log)
        print(f"rest: rasa ready after {time.monotonic() - t0:.0f} s", file=sys.stderr)
        timeout = aiohttp.ClientTimeout(total=REST_TIMEOUT)
        connector = aiohttp.TCPConnector(limit=args.users + 10)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            tasks: set[asyncio.Task[None]] = set()
            current: Result | None = None

            async def post(u: _User, text: str, result: Result | None, queued: float) -> None:
                body = {"sender": f"bench-{u.uid}", "message": text,
                        "metadata": {"language": u.lang, "region": "es-barcelona"}}
                ok = False
                try:
                    async with session.post(f"{url}/webhooks/rest/webhook", json=body) as resp:
                        resp.raise_for_status()
                        await resp.json()
                    ok = True
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                at = time.monotonic()
                if not (u.pending and u.pending[0] == queued):
                    return  # already counted as lost by drive()
                u.pending.clear()
                if result is not None:
                    if ok:
                        result.latencies.append(at - queued)
                    else:
                        result.lost += 1

            def send(u: _User, text: str) -> None:
                task = asyncio.get_running_loop().create_task(post(u, text, current, u.pending[0]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)

            async def run(rate: float, seconds: float) -> Result:
                nonlocal current
                current = Result("rasa rest", rate, seconds)
                # lost here = still pending after drain; errors are added by post()
                await drive(users, questions, rng, rate, seconds, send, current, args.drain)
                deadline = time.monotonic() + REST_TIMEOUT
                while tasks and time.monotonic() < deadline:  # requests given up on still load Rasa
                    await asyncio.sleep(0.1)
                print(f"rest     {rate:5.1f}/s: p50 {current.q(0.5):.3f} s, p95 {current.q(0.95):.3f} s, "
                      f"skipped {current.skipped}, lost {current.lost}", file=sys.stderr)
                return current

            try:
                t0 = time.monotonic()
                await warm_up(users, questions, send, "hello")
                print(f"rest: warmed up in {time.monotonic() - t0:.0f} s", file=sys.stderr)
                return await plan(run)
            finally:
                for task in list(tasks):
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)


# ---- plan, search and report -------------------------------------------------------------------------


def make_plan(rates: list[float], seconds: float, steps: int, step_seconds: float
              ) -> Callable[[Callable[[float, float], Awaitable[Result]]], Awaitable[list[Result]]]:
    """The fixed rates, then a bisection for the highest rate with p95 under SLA (up to Telegram's limit)."""

    async def plan(run: Callable[[float, float], Awaitable[Result]]) -> list[Result]:
        results = [await run(rate, seconds) for rate in rates]
        good = max((r.rate for r in results if r.sustained), default=0.0)
        bad = min((r.rate for r in results if not r.sustained and r.rate > good), default=None)
        if bad is None:
            bad = TELEGRAM_GLOBAL_LIMIT if good < TELEGRAM_GLOBAL_LIMIT else None
        for _ in range(steps):  # bounded: steps
            if bad is None or bad - good < 1.0:
                break
            rate = float(math.floor((good + bad) / 2)) if good >= 1 else max(0.5, (good + bad) / 2)
            if rate <= good:
                break
            step = await run(rate, step_seconds)
            step.front += " (search)"
            results.append(step)
            if step.sustained:
                good = rate
            else:
                bad = rate
        return results

    return plan


def highest(results: list[Result]) -> str:
    good = max((r.rate for r in results if r.sustained), default=0.0)
    if not good:
        return "below the lowest rate tried"
    tried_above = [r.rate for r in results if not r.sustained and r.rate > good]
    if not tried_above:
        return f"{good:g} msg/s or more (highest tried)"
    return f"{good:g} msg/s (not at {min(tried_above):g})"


def _ms(value: float) -> str:
    return "lost" if math.isinf(value) else "-" if math.isnan(value) else f"{1000 * value:,.0f}"


def per_answer(r: Result) -> str:
    """sendMessage calls per answered update (Telegram only: Rasa's REST channel answers in one response)."""
    return f"{r.messages / len(r.latencies):.1f}" if r.messages and r.latencies else "-"


def report(results: list[Result], args: argparse.Namespace) -> None:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB, "
          f"Python {platform.python_version()}; {args.users} users; {args.seconds:g} s per rate")
    head = f"{'front end':<20} {'msg/s':>6} {'s':>4} {'sent':>5} {'skip':>5} {'lost':>5} " \
           f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'msgs/answer':>11}  p95<1s"
    print(head)
    print("-" * len(head))
    for r in results:
        print(f"{r.front:<20} {r.rate:>6g} {r.seconds:>4g} {r.sent:>5} {r.skipped:>5} {r.lost:>5} "
              f"{_ms(r.q(0.5)):>8} {_ms(r.q(0.95)):>8} {_ms(r.q(0.99)):>8} {per_answer(r):>11}  "
              f"{'yes' if r.sustained else 'no'}")
    tg = {r.rate: r for r in results if r.front == "telegram"}
    rest = {r.rate: r for r in results if r.front == "rasa rest"}
    if tg and rest:
        print()
        print(f"{'overhead (telegram / rasa rest)':<32} {'msg/s':>6} {'p50 ratio':>10} {'p95 ratio':>10}")
        for rate in sorted(set(tg) & set(rest)):
            a, b = tg[rate], rest[rate]
            r50 = a.q(0.5) / b.q(0.5) if b.q(0.5) and not math.isinf(a.q(0.5)) else math.nan
            r95 = a.q(0.95) / b.q(0.95) if b.q(0.95) and not math.isinf(a.q(0.95)) else math.nan
            print(f"{'':<32} {rate:>6g} {r50:>10.2f} {r95:>10.2f}")
    print()
    for front in ("telegram", "rasa rest"):
        mine = [r for r in results if r.front.startswith(front)]
        if mine:
            print(f"highest rate with p95 < {SLA:g} s, {front}: {highest(mine)}")


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
    parser.add_argument("--model", type=Path, help="model file (default: bot.training.model_path(), trained "
                                                   "if missing)")
    parser.add_argument("--serve-bot", type=Path, metavar="MODEL", help=argparse.SUPPRESS)  # the bot process
    args = parser.parse_args()
    if args.serve_bot:
        serve_bot(args.serve_bot)
        return
    rates = [float(x) for x in args.rates.split(",") if x.strip()]
    if not rates or min(rates) <= 0 or args.seconds <= 0 or args.users < 1:
        parser.error("rates, --seconds and --users must be positive")
    if max(rates) * 60 / args.users > USER_MAX_PER_MINUTE:
        parser.error(f"{max(rates):g} msg/s from {args.users} users is over {USER_MAX_PER_MINUTE} a minute each "
                     "(the bot's flood control): use more --users")
    step_seconds = args.search_seconds or min(20.0, args.seconds)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.model:
        model = args.model.resolve()  # Rasa runs in a temporary folder
    else:
        from bot.training import train

        model = train()  # bot.training.model_path(): the model of the current data, trained if missing
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
