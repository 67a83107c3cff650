"""Benchmark of the hotline under Telegram's limits: how long a person's message takes to reach staff.

Run with `.venv/bin/python -m bench.hotline` (`--cases 5 --seconds 40` for a quick check; `--teams 3`
splits the cases by language over three staff groups, STAFF_CHATS).

The real bot (`python -m bot run`, the handoff on: a staff supergroup with forum topics and a roster of
--staff members speaking English, on duty all week; SQLite in a temporary VAR_DIR) polls the tests' fake
Bot API (tests/helpers/forum.py), which enforces Telegram's limits (tests/helpers/telegram_limits.py):
20 messages a minute in one group — every forum topic of the staff supergroup counts for it —, one a
second in one private chat, 30 a second for the bot; 429 with retry_after beyond. Rasa is not started
(RASA_URL points at a closed port): a case's messages never reach it, and the pause/resume events the
handoff appends fail at once and are logged.

Set-up (not measured): each staff member writes /start in their private chat with the bot; --cases people
write /human; the cases are claimed round-robin by the staff; then the group's minute is left to pass.
Measured: each person writes one message every --every seconds (the people spread evenly) for --seconds.
With --teams N the people speak N languages in turn (English, Burmese, Khmer); English goes to the default
staff group, each other language to its team's (STAFF_CHATS), each group with Telegram's 20 a minute.
Latency of one message = from the moment the bot fetched it (getUpdates) to the first message the bot sent
that staff can see with it: in the case's forum topic or in the claiming staff member's private chat.
Lost = never seen by staff within --drain seconds after the last message (the run waits that long at
most for every message to be in its topic). The topic's own delay (the shared record) is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.load import _percentile
from bench.processes import clean_env, start_module, stop, wait_until
from bot.rasa.action_server import free_port
from bot.telegram.core.callback_data import CLAIM
from tests.helpers.fake_bot_api import MEDIA_METHODS, user
from tests.helpers.forum import STAFF_CHAT_ID, ForumBotApi
from tests.helpers.telegram_limits import TelegramLimits

TOKEN = "123456:BENCH-TOKEN"
PERSON_BASE = 6_100_000  # the people's Telegram ids
STAFF_BASE = 8_100_000  # the staff's Telegram ids
TOKEN_RE = re.compile(r"\bp\d+m\d+x\b")  # what each measured message carries, once
SETUP_TIMEOUT = 600.0
TEAM_LANGUAGES = ("en", "my", "km")  # --teams N: the first N; en stays in the default group
TEAM_GROUPS = {"my": -1002000000001, "km": -1002000000002}  # the teams' forum supergroups (STAFF_CHATS)


class HotlineBotApi(ForumBotApi):
    """The fake Bot API with a staff forum, Telegram's limits, and the times the benchmark needs."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.telegram = self.limits = TelegramLimits()  # kept apart: the base class allows None
        self.fetched: dict[int, float] = {}  # update id → when getUpdates first handed it to the bot
        self.seen: dict[str, float] = {}  # token → first staff-visible message with it
        self.in_topic_at: dict[str, float] = {}  # token → first message in the forum topic with it
        self.group_sends: list[float] = []
        self.staff_ids: set[int] = set()
        self.groups = {STAFF_CHAT_ID}  # the staff groups: the default one, the teams' with --teams

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        got = await super()._get_updates(params)
        now = time.monotonic()
        for update in got:
            self.fetched.setdefault(update["update_id"], now)
        return got

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        result = super()._result(method, params)
        if result is not None and (method == "sendmessage" or method in MEDIA_METHODS):
            now, chat_id = time.monotonic(), params["chat_id"]
            if chat_id in self.groups:
                self.group_sends.append(now)
            if chat_id in self.groups or chat_id in self.staff_ids:
                for token in TOKEN_RE.findall(params.get("text") or params.get("caption") or ""):
                    self.seen.setdefault(token, now)
                    if chat_id in self.groups:
                        self.in_topic_at.setdefault(token, now)
        return result

    def add_team_groups(self, teams: int) -> dict[str, int]:
        """Register the first teams-1 team groups as forum supergroups; language → group."""
        groups = {lang: TEAM_GROUPS[lang] for lang in TEAM_LANGUAGES[1:teams]}
        for lang, chat_id in groups.items():
            self._chats[chat_id] = {"id": chat_id, "type": "supergroup", "title": f"Team {lang}", "is_forum": True}
            self.groups.add(chat_id)
        return groups


def roster(staff: list[int], languages: tuple[str, ...] = ("en",)) -> str:
    """A roster: every member speaks the languages and is on duty all week."""
    hours = "".join(f'      {lang}: ["mon-sun 00:00-24:00"]\n' for lang in languages)
    members = "".join(
        f"  - id: {uid}\n    name: Staff {i}\n    role: staff\n    languages: [{', '.join(languages)}]\n"
        f"    hours:\n{hours}"
        for i, uid in enumerate(staff, 1)
    )
    return f"time_zone: UTC\nstaff:\n{members}"


def stats(values: list[float], lost: int) -> str:
    """p50 / p95 / max of values in seconds, lost ones counted as infinitely slow."""
    if not values and not lost:
        return "no messages"
    everything = values + [math.inf] * lost
    return (
        f"p50 {_percentile(everything, 0.5):.1f} s, p95 {_percentile(everything, 0.95):.1f} s, "
        f"max {max(everything):.1f} s"
    )


async def wait(api: HotlineBotApi, ready: Any, proc: subprocess.Popen[bytes], what: str) -> None:
    """Wait until ready() holds; fail if the bot died or after SETUP_TIMEOUT."""
    deadline = time.monotonic() + SETUP_TIMEOUT
    while not ready():
        if proc.poll() is not None:
            raise RuntimeError(f"the bot exited with code {proc.returncode} while {what}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out while {what}")
        await asyncio.sleep(0.2)


async def set_up(  # noqa: PLR0913
    api: HotlineBotApi,
    proc: subprocess.Popen[bytes],
    people: list[int],
    staff: list[int],
    claim: bool = True,
    lang_of: dict[int, str] | None = None,
) -> None:
    """Staff /start in private; people open cases; the cases are claimed round-robin; the group minute passes."""
    for uid in staff:
        api.text(user(uid, "en"), "/start")
    await wait(api, lambda: all(api.sent(uid) for uid in staff), proc, "staff pressed /start")
    since = api.mark()
    for uid in people:
        api.text(user(uid, (lang_of or {}).get(uid, "en")), "/human")
    cards: dict[int, tuple[int, dict[str, Any]]] = {}  # case id → (its group, its card)

    def cards_in() -> bool:
        for group in api.groups:
            for message in api.sent(group, since):
                for row in (message.get("reply_markup") or {}).get("inline_keyboard") or []:
                    for button in row:
                        if str(button.get("callback_data", "")).startswith(CLAIM):
                            cards[int(button["callback_data"][len(CLAIM) :])] = (group, message)
        return len(cards) >= len(people)

    await wait(api, cards_in, proc, "the cases opened")
    print(f"hotline: {len(cards)} cases open", file=sys.stderr)
    since = api.mark()
    for i, (case_id, (group, card)) in enumerate(sorted(cards.items()) if claim else ()):
        api.press(user(staff[i % len(staff)]), api.stored_message(group, card["message_id"]), f"{CLAIM}{case_id}")
    if claim:
        await wait(api, lambda: all(api.sent(uid, since) for uid in people), proc, "the cases were claimed")
    print(f"hotline: {'every case claimed' if claim else 'left unclaimed'}; the group's minute passes", file=sys.stderr)
    await asyncio.sleep(5)  # the last notes of the claims
    quiet_until = (api.group_sends[-1] if api.group_sends else 0.0) + 61.0
    await asyncio.sleep(max(0.0, quiet_until - time.monotonic()))


async def bench(args: argparse.Namespace, tmp: Path) -> None:
    """Start the bot, set up the cases, run the load, print the figures."""
    api = HotlineBotApi(TOKEN)
    await api.start()
    people = [PERSON_BASE + i for i in range(args.cases)]
    staff = [STAFF_BASE + i for i in range(args.staff)]
    api.staff_ids = set(staff)
    languages = TEAM_LANGUAGES[: args.teams]
    teams = api.add_team_groups(args.teams)
    lang_of = {uid: languages[i % len(languages)] for i, uid in enumerate(people)}
    roster_file = tmp / "staff.yml"
    roster_file.write_text(roster(staff, languages), encoding="utf-8")
    env = clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        PSEUDONYM_SECRET=secrets.token_hex(32),
        TELEGRAM_API_BASE_URL=api.url,
        VAR_DIR=str(tmp / "bot-var"),
        RASA_URL=f"http://127.0.0.1:{free_port()}",  # closed: the hotline does not need Rasa
        STAFF_CHAT_ID=str(STAFF_CHAT_ID),
        STAFF_ROSTER=str(roster_file),
        STAFF_CHATS=",".join(f"{lang}={chat_id}" for lang, chat_id in teams.items()),
        LOG_LEVEL="ERROR",
    )
    log = tmp / "bot.log"
    proc = start_module(["bench.hotline", "--serve-bot"], env, log)
    try:
        await wait_until(lambda: bool(api.called("getUpdates")), proc, "python -m bot run", log)
        await set_up(api, proc, people, staff, claim=not args.unclaimed, lang_of=lang_of)
        refused_before, group_before = api.telegram.refused, len(api.group_sends)
        sent: dict[str, int] = {}  # token → update id
        start = time.monotonic()
        rounds = max(1, int(args.seconds // args.every))
        for k in range(rounds):
            for i, uid in enumerate(people):
                at = start + k * args.every + i * args.every / len(people)
                await asyncio.sleep(max(0.0, at - time.monotonic()))
                token = f"p{i}m{k}x"
                sent[token] = api.text(user(uid, lang_of[uid]), f"message {token} from the person")["update_id"]
        last = time.monotonic()
        while len(set(sent) & set(api.in_topic_at)) < len(sent) and time.monotonic() < last + args.drain:
            if proc.poll() is not None:
                raise RuntimeError(f"the bot exited with code {proc.returncode}")
            await asyncio.sleep(0.2)
        await asyncio.sleep(min(args.drain, 2.0))
    finally:
        stop(proc)
        await api.stop()
    report(args, api, sent, time.monotonic() - start, refused_before, group_before)


def report(
    args: argparse.Namespace, api: HotlineBotApi, sent: dict[str, int], elapsed: float, refused: int, group: int
) -> None:
    """Print the figures."""
    fetched = {t: api.fetched.get(u) for t, u in sent.items()}
    visible = [api.seen[t] - f for t, f in fetched.items() if f is not None and t in api.seen]
    topic = [api.in_topic_at[t] - f for t, f in fetched.items() if f is not None and t in api.in_topic_at]
    lost = len(sent) - len(visible)
    print(
        f"\nhotline, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
        f"{args.cases} cases {'unclaimed' if args.unclaimed else f'claimed by {args.staff} staff'}, "
        f"{f'{args.teams} staff groups (STAFF_CHATS), ' if args.teams > 1 else 'one staff group, '}"
        f"one message per person every {args.every:g} s "
        f"for {args.seconds:g} s ({len(sent)} messages)"
    )
    print(f"  staff see the message (topic or private chat): {stats(visible, lost)}, lost {lost}")
    print(f"  in the case's forum topic (the record):        {stats(topic, len(sent) - len(topic))}")
    print(
        f"  group messages sent: {len(api.group_sends) - group} in {elapsed:.0f} s; "
        f"429 answers from the fake Bot API: {api.telegram.refused - refused}"
    )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20, help="open cases, one person each (default 20)")
    parser.add_argument("--staff", type=int, default=4, help="staff members claiming them round-robin (default 4)")
    parser.add_argument("--every", type=float, default=20.0, help="seconds between two messages of one person")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long the people write (default 120)")
    parser.add_argument("--drain", type=float, default=300.0, help="seconds to wait for the last messages")
    parser.add_argument("--unclaimed", action="store_true", help="leave the cases queued (nobody claims them)")
    parser.add_argument(
        "--teams", type=int, default=1, choices=(1, 2, 3), help="staff groups, the cases split by language (default 1)"
    )
    parser.add_argument("--serve-bot", action="store_true", help=argparse.SUPPRESS)  # the bot process
    args = parser.parse_args()
    if args.serve_bot:
        from bench.telegram import serve_bot

        serve_bot(Path("unused"))  # RASA_URL is set: no model is loaded
        return
    if args.cases < 1 or args.staff < 1 or args.every <= 0 or args.seconds <= 0:
        parser.error("--cases, --staff, --every and --seconds must be positive")
    with tempfile.TemporaryDirectory(prefix="bench-hotline-") as name:
        asyncio.run(bench(args, Path(name)))


if __name__ == "__main__":
    main()
