"""Sending questions while a part of the assistant is down, and counting what each update got back.

Used by the fault tests (tests/test_faults.py, tests/test_cluster_faults.py): every update must get
exactly one reply, the topic's answer or "temporarily unavailable" with the hotlines; the figures
(how many of each, how long until the part is used again) are printed, not asserted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from bot.content.load import load_content
from bot.replies import contacts
from bot.settings import REPO
from tests.helpers.fake_bot_api import Call, FakeBotApi, user
from tests.helpers.telegram import buttons

QUESTION = "how do I register at the town hall"
TOPIC = "registration.municipal"
REGION = "es-barcelona"
REPLY_TIMEOUT = 120.0  # every update answered within this (answer or "unavailable")
RECOVERY_TIMEOUT = 120.0  # after the server is back, a real answer within this
PROBE_EVERY = 1.0
DURING_AFTER = 5  # replies of a burst delivered before the server is stopped


def unavailable_text() -> str:
    """The "temporarily unavailable" reply with the region's hotlines, as content/ui/en.yml words it."""
    return contacts(load_content(REPO / "content", dt.date.today()), REGION, "en", "error.unavailable")


@dataclass
class Tally:
    """What each update got back."""

    answers: int = 0
    unavailable: int = 0
    seconds: list[float] = field(default_factory=list)  # from the update to its reply
    after_fault: int = 0  # replies delivered once the fault (`during`) had happened

    def line(self) -> str:
        worst = max(self.seconds, default=0.0)
        return f"{self.answers} answered, {self.unavailable} 'temporarily unavailable' (slowest reply {worst:.1f} s)"


def _delivered(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendmessage" and c.result]


class Chats:
    """Sends updates to the fake Bot API and checks that each gets exactly one reply."""

    def __init__(self, api: FakeBotApi, unavailable: str) -> None:
        self.api = api
        self.unavailable = unavailable

    def kind(self, message: dict[str, Any]) -> str:
        """'answer' (the topic's answer), 'unavailable', or 'other' (e.g. a welcome)."""
        if any(b.get("callback_data", "").startswith("fb:") for b in buttons(message)):
            assert any(b["callback_data"].endswith(":" + TOPIC) for b in buttons(message)), message
            return "answer"
        return "unavailable" if message.get("text") == self.unavailable else "other"

    async def send(self, uids: list[int]) -> None:
        """Each uid asks QUESTION (here: queued for getUpdates)."""
        for uid in uids:
            self.api.text(user(uid, "en"), QUESTION)

    async def ask(self, uids: list[int], during: Callable[[], None] | None = None) -> Tally:
        """Each uid asks once, all at once; each answered once.

        during (e.g. stopping a server) runs in a thread once the first DURING_AFTER replies have come:
        the bot is in the middle of the burst.
        """
        since, started, fault_at = self.api.mark(), time.monotonic(), float("inf")
        await self.send(uids)
        if during is not None:
            await self.api.wait_for(lambda calls: len(_delivered(calls[since:])) >= DURING_AFTER, REPLY_TIMEOUT)
            await asyncio.to_thread(during)  # the fake Bot API goes on answering meanwhile
            fault_at = time.monotonic()

        def replies(uid: int) -> list[tuple[str, float]]:
            return [
                (self.kind(c.result), c.at) for c in _delivered(self.api.calls[since:]) if c.params["chat_id"] == uid
            ]

        def all_replied(_calls: object) -> bool:
            return all(any(k != "other" for k, _ in replies(uid)) for uid in uids)

        await self.api.wait_for(all_replied, timeout=REPLY_TIMEOUT)
        tally = Tally()
        for uid in uids:
            got = [(k, at) for k, at in replies(uid) if k != "other"]
            assert len(got) == 1, (uid, got)  # answered, and only once
            kind, at = got[0]
            tally.answers += kind == "answer"
            tally.unavailable += kind == "unavailable"
            tally.seconds.append(at - started)
            tally.after_fault += at > fault_at
        strays = {c.params["chat_id"] for c in _delivered(self.api.calls[since:])} - set(uids)
        assert not strays, strays  # nothing from an earlier round arrived late (answered twice)
        return tally

    async def until_recovered(self, first_uid: int, resumed: Callable[[], bool]) -> tuple[float, int, Tally]:
        """A new person asks every PROBE_EVERY s until one gets the real answer and resumed() holds.

        Returns (seconds, questions asked, their tally); fails after RECOVERY_TIMEOUT.
        """
        started, total, uid = time.monotonic(), Tally(), first_uid
        while True:
            tally = await self.ask([uid])
            total.answers += tally.answers
            total.unavailable += tally.unavailable
            total.seconds += tally.seconds
            if tally.answers and resumed():
                return time.monotonic() - started, uid - first_uid + 1, total
            assert time.monotonic() - started < RECOVERY_TIMEOUT, f"not recovered {RECOVERY_TIMEOUT} s after"
            uid += 1
            await asyncio.sleep(PROBE_EVERY)  # one question a second, not a flood


def stored(url: str) -> tuple[int, int]:
    """(conversations in Rasa's tracker store, people in the bot's tables) in the database at url."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            conversations = conn.execute(sa.text("SELECT count(DISTINCT sender_id) FROM events")).scalar_one()
            people = conn.execute(sa.text("SELECT count(*) FROM users")).scalar_one()
    finally:
        engine.dispose()
    return int(conversations), int(people)


def report(capsys: pytest.CaptureFixture[str], title: str, lines: dict[str, str]) -> None:
    with capsys.disabled():
        print(f"\n{title}")
        for name, value in lines.items():
            print(f"  {name}: {value}")
