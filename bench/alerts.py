"""Benchmark of alert delivery: N subscribers (default 10,000), and answers to people asking during the broadcast.

Run with `.venv/bin/python -m bench.alerts` (`--subscribers 500 --seconds 20` for a quick check).

The real bot (`python -m bot run` on the current model, region th, SQLite in a temporary VAR_DIR) polls the
tests' fake Bot API, which enforces Telegram's overall limit (30 messages a second, then 429 retry_after 1).
First a quiet run: people ask at --rate questions a second for --seconds (p50/p95 of the first reply).
Then `python -m bot alerts send` queues the example alert for every subscriber (Thai, Burmese, Khmer, Lao) and
the same load runs again while the bot broadcasts; the broadcast is timed from the queueing to the last alert
delivered. Telegram's 30 a second make N / 30 seconds the floor (~5.6 minutes for 10,000).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bench.load import SETTLE, Result, _User, _Users, drive, load_questions, warm_up
from bench.processes import clean_env, start_module, stop, wait_until
from bench.telegram import TOKEN, BenchBotApi
from bot.privacy.chat_seal import ChatSeal
from bot.privacy.pseudonym import pseudonym
from bot.settings import REPO
from bot.storage.db import Database
from bot.storage.models import AlertSubscription, TelegramChat, User, utcnow
from tests.helpers.fake_bot_api import user

ALERT = "th-2027-02-permit-renewal-deadline"
LANGS = ("th", "my", "km", "lo")  # languages the example alert is sent in (its English text is a draft)
SUBSCRIBER_BASE = 5_000_000  # Telegram ids of subscribers, apart from the people asking (bench.load)
TELEGRAM_LIMIT = 30


def seed(url: str, secret: str, count: int) -> None:
    """Store count people who wrote to the bot and subscribed to work.permit in th (one transaction)."""
    db, seal, now = Database(url, chat_key=secret), ChatSeal(secret), utcnow()
    db.migrate()
    people = [
        (pseudonym(secret, SUBSCRIBER_BASE + i), SUBSCRIBER_BASE + i, LANGS[i % len(LANGS)]) for i in range(count)
    ]
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(User.__table__),
            [{"pseudonym": p, "first_contact": now.date(), "last_seen": now} for p, _, _ in people],
        )
        conn.execute(
            sa.insert(TelegramChat.__table__),
            [{"pseudonym": p, "chat_id": seal.seal(uid), "last_seen": now} for p, uid, _ in people],
        )
        conn.execute(
            sa.insert(AlertSubscription.__table__),
            [
                {"pseudonym": p, "topic": "work.permit", "region": "th", "language": lang, "last_seen": now}
                for p, _, lang in people
            ],
        )
    db.close()


async def bench(args: argparse.Namespace, tmp: Path, model: Path) -> None:
    """Start the bot, run the quiet load, queue the alert, run the load again during the broadcast; print."""
    content = tmp / "content"
    shutil.copytree(REPO / "content", content)
    region = content / "th" / "region.yml"  # no quiet hours: the benchmark may run at any hour
    region.write_text(region.read_text(encoding="utf-8").replace('"21:00-08:00"', '"00:00-00:00"'), encoding="utf-8")
    questions = load_questions(args.seed)
    users = _Users(args.users, sorted(questions), SETTLE)
    rng = random.Random(args.seed)
    delivered: list[float] = []
    current: Result | None = None

    def on_send(chat_id: int, at: float) -> None:
        if SUBSCRIBER_BASE <= chat_id < SUBSCRIBER_BASE + args.subscribers:
            delivered.append(at)
            return
        u = users.by_id.get(chat_id)
        if u is not None and u.pending and current is not None:
            current.latencies.append(at - u.pending.popleft())
        if u is not None:
            u.last_reply = at

    api = BenchBotApi(TOKEN, on_send)
    api.flood_limit = TELEGRAM_LIMIT
    await api.start()
    secret, var = secrets.token_hex(32), tmp / "var"
    env = clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        PSEUDONYM_SECRET=secret,
        TELEGRAM_API_BASE_URL=api.url,
        VAR_DIR=str(var),
        CONTENT_DIR=str(content),
        REGION="th",
        ALERTS_POLL_SECONDS="1",
        **({"ALERTS_RATE": str(args.alert_rate)} if args.alert_rate else {}),
    )
    url = f"sqlite:///{var / 'assistant.db'}"
    seed(url, secret, args.subscribers)
    log = tmp / "bot.log"
    proc = start_module(["bench.telegram", "--serve-bot", str(model)], env, log)
    try:
        await wait_until(lambda: bool(api.called("getUpdates")), proc, "python -m bot run", log)

        def send(u: _User, text: str) -> None:
            api.text(user(u.uid, u.lang), text)

        print("bot polling; warming up", file=sys.stderr, flush=True)
        current = Result("warm-up", 0, 0)
        await warm_up(users, questions, send, "/start")
        print("warmed up; quiet run", file=sys.stderr, flush=True)
        quiet = current = Result("answers, quiet", args.rate, args.seconds)
        await drive(users, questions, rng, args.rate, args.seconds, send, current, 30.0)
        queued_at = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-m", "bot", "alerts", "send", ALERT], cwd=REPO, env=env, capture_output=True, text=True
        )
        print(f"alerts send: {out.stdout.strip()} {out.stderr.strip()}", file=sys.stderr)
        queued = json.loads(out.stdout)["queued"]
        busy = current = Result("answers, broadcast", args.rate, args.seconds)
        await drive(users, questions, rng, args.rate, args.seconds, send, current, 30.0)
        print(f"answers during the broadcast done; {len(delivered)} alerts delivered so far", file=sys.stderr)
        deadline = queued_at + queued / 5 + 600  # bounded: far beyond the slowest plausible broadcast
        while len(delivered) < queued and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        done = (delivered[-1] if delivered else time.monotonic()) - queued_at
        rejected = sum(1 for c in api.calls if c.method == "sendmessage" and c.result is None)
    finally:
        stop(proc)
        await api.stop()
    print(f"subscribers {args.subscribers}, alerts queued {queued}, delivered {len(delivered)}")
    print(
        f"broadcast: {done:.0f} s from queueing to the last alert ({len(delivered) / done:.1f} a second; "
        f"floor at Telegram's 30 a second: {queued / TELEGRAM_LIMIT:.0f} s); 429s answered by the fake: {rejected}"
    )
    for r in (quiet, busy):
        print(
            f"{r.front:<20} {r.rate:g}/s for {r.seconds:g} s: {len(r.latencies)} answers, "
            f"p50 {r.q(0.5) * 1000:.0f} ms, p95 {r.q(0.95) * 1000:.0f} ms, lost {r.lost}, skipped {r.skipped}"
        )
    print(f"p95 during the broadcast / quiet: {busy.q(0.95) / quiet.q(0.95):.2f}x (target: within 1.2x)")


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=2.0, help="questions a second from people asking (default 2)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of each answer run (default 60)")
    parser.add_argument("--users", type=int, default=40, help="people asking (default 40)")
    parser.add_argument("--alert-rate", type=float, help="ALERTS_RATE for the bot (default: the bot's)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model", type=Path, help="model file (default: the current data's, trained if missing)")
    args = parser.parse_args()
    from bot.rasa.training import train

    model = args.model.resolve() if args.model else train()
    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as name:
        asyncio.run(bench(args, Path(name), model))


if __name__ == "__main__":
    main()
