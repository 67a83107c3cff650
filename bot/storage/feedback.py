"""Answer feedback (👍/👎) and unanswered questions: written by the Telegram bot, read by editors' tools.

Nothing here names a person: no pseudonym, no chat id; the time is kept as the
day only. Both tables are purged with everything else after the retention
period (`Database.purge`). Unanswered questions are stored already scrubbed
(bot.privacy.scrub) by the caller.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.db import Database
from bot.storage.models import AnswerFeedback, UnansweredQuestion, utcnow

REASONS = ("fallback", "low_confidence", "not_helpful")


def today_utc() -> dt.datetime:
    """Midnight UTC of today: the only time kept with feedback and questions."""
    now = utcnow()
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


async def add_feedback(db: Database, topic: str, language: str, region: str, helpful: bool) -> None:
    """Store one 👍 (helpful) or 👎 on an answer."""
    table = AnswerFeedback.__table__
    values = {"topic": topic, "language": language, "region": region, "helpful": helpful, "last_seen": today_utc()}

    def work(conn: Connection) -> None:
        conn.execute(sa.insert(table).values(**values))

    await db.in_transaction(work)


async def add_question(db: Database, text: str, language: str, region: str, nearest_topic: str, reason: str) -> None:
    """Store one unanswered question (text already scrubbed); reason is one of REASONS."""
    if reason not in REASONS:
        raise ValueError(f"Unknown reason {reason!r}; use one of {', '.join(REASONS)}.")
    table = UnansweredQuestion.__table__
    values = {
        "text": text,
        "language": language,
        "region": region,
        "nearest_topic": nearest_topic,
        "reason": reason,
        "last_seen": today_utc(),
    }

    def work(conn: Connection) -> None:
        conn.execute(sa.insert(table).values(**values))

    await db.in_transaction(work)


@dataclass(frozen=True)
class Helpfulness:
    """How many 👍 and 👎 an answer got."""

    helpful: int = 0
    not_helpful: int = 0

    @property
    def total(self) -> int:
        """All votes."""
        return self.helpful + self.not_helpful

    def __str__(self) -> str:
        """E.g. "👍 8 · 👎 2 (80% helpful)"."""
        share = round(100 * self.helpful / self.total) if self.total else 0
        return f"👍 {self.helpful} · 👎 {self.not_helpful} ({share}% helpful)"


def helpfulness(db: Database) -> dict[tuple[str, str], Helpfulness]:
    """Votes per (region, topic), all languages together; empty if the table does not exist yet."""
    table = AnswerFeedback.__table__
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table(table.name):
            return {}
        rows = conn.execute(
            sa.select(table.c.region, table.c.topic, table.c.helpful, sa.func.count()).group_by(
                table.c.region, table.c.topic, table.c.helpful
            )
        ).all()
    votes: dict[tuple[str, str], Counter[bool]] = {}
    for region, topic, helpful, count in rows:
        votes.setdefault((region, topic), Counter())[bool(helpful)] += count
    return {key: Helpfulness(c[True], c[False]) for key, c in votes.items()}


@dataclass(frozen=True)
class Question:
    """One stored unanswered question."""

    text: str
    language: str
    region: str
    nearest_topic: str
    reason: str
    day: dt.date
    id: int = 0  # the row's id, for editors to pick questions (python -m bot nlu suggest)


def questions(db: Database, since: dt.date | None = None) -> list[Question]:
    """The stored unanswered questions (from the day since on); empty if the table does not exist yet."""
    table = UnansweredQuestion.__table__
    query = sa.select(table).order_by(table.c.last_seen, table.c.id)
    if since is not None:
        query = query.where(table.c.last_seen >= dt.datetime.combine(since, dt.time(), dt.timezone.utc))
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table(table.name):
            return []
        rows = conn.execute(query).mappings().all()
    return [
        Question(r["text"], r["language"], r["region"], r["nearest_topic"], r["reason"], r["last_seen"].date(), r["id"])
        for r in rows
    ]
