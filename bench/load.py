"""The load side of bench/telegram.py: simulated users, the send schedule, the rate search and the report.

Each simulated user keeps one language, has at most one question waiting for its answer, waits until its
chat has been quiet for SETTLE seconds after an answer, and sends at most USER_MAX_PER_MINUTE messages in
any 60 s (the bot's flood control starts above 20).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.nlu.held_out import read_test_set
from bot.settings import REPO

USER_ID_BASE = 910_000_000  # simulated users' Telegram ids (and private chat ids)
SETTLE = 1.5  # seconds a chat must have been quiet before its user asks again (pacing is 1 message/s)
USER_MAX_PER_MINUTE = 19  # the bot warns above 20 in 60 s; see _Users.eligible for why 19 keeps it below
SLA = 1.0  # seconds: the p95 target of the search
TELEGRAM_GLOBAL_LIMIT = 30.0  # messages a second, Telegram's limit for one bot: the search stops there
START_TIMEOUT = 600.0  # seconds for the bot or Rasa to load the model
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
    cpu: float = math.nan  # CPU seconds of the served processes (bot or Rasa, and their action servers) in the run

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


async def drive(
    users: _Users,
    questions: dict[str, list[str]],
    rng: random.Random,
    rate: float,
    seconds: float,
    send: Callable[[_User, str], None],
    result: Result,
    drain: float,
) -> Result:
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


async def warm_up(
    users: _Users, questions: dict[str, list[str]], send: Callable[[_User, str], None], greeting: str
) -> None:
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


# ---- plan, search and report -------------------------------------------------------------------------


def make_plan(
    rates: list[float], seconds: float, steps: int, step_seconds: float
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


def cpu_per_answer(r: Result) -> str:
    """CPU milliseconds the served processes spent per answered question ("-" if not measured)."""
    if math.isnan(r.cpu) or not r.latencies:
        return "-"
    return f"{r.cpu * 1000 / len(r.latencies):.0f}"


def report(results: list[Result], args: argparse.Namespace) -> None:
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB, "
        f"Python {platform.python_version()}; {args.users} users; {args.seconds:g} s per rate"
    )
    head = (
        f"{'front end':<20} {'msg/s':>6} {'s':>4} {'sent':>5} {'skip':>5} {'lost':>5} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'msgs/answer':>11} {'CPU ms/answer':>13}  p95<1s"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        print(
            f"{r.front:<20} {r.rate:>6g} {r.seconds:>4g} {r.sent:>5} {r.skipped:>5} {r.lost:>5} "
            f"{_ms(r.q(0.5)):>8} {_ms(r.q(0.95)):>8} {_ms(r.q(0.99)):>8} {per_answer(r):>11} {cpu_per_answer(r):>13}  "
            f"{'yes' if r.sustained else 'no'}"
        )
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
