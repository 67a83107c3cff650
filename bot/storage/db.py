"""The assistant's database: preferences, the chat mapping, forgetting and retention.

Usage (from async code; every data method runs SQLAlchemy in a worker thread)::

    db = Database(settings_url)          # no connection yet
    await asyncio.to_thread(db.migrate)  # schema to head, once at start-up
    prefs = await db.get_preferences_or_none(user)   # None if unknown *or* database down
    await safe(db.save_preferences(user, "ar", None), None, "save preferences")

Rasa's SQLTrackerStore may share the database (its table is `events`);
`forget` and `purge` then delete its rows too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import InterfaceError, OperationalError

if TYPE_CHECKING:
    from alembic.config import Config

from bot.privacy.chat_seal import ChatSeal
from bot.settings import defaults
from bot.storage.alert_retention import forget_alerts, purge_alerts
from bot.storage.engine import create_engine
from bot.storage.engine import sqlite_url as sqlite_url  # re-exported: the default URL
from bot.storage.models import (
    AnswerFeedback,
    Case,
    CaseMessage,
    ComplaintDraft,
    StaffPrivate,
    TelegramChat,
    UnansweredQuestion,
    User,
    utcnow,
)
from bot.storage.sql import upsert
from bot.storage.topic_deletions import queue_topics_of

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///var/assistant.db"
DEFAULT_RETENTION_DAYS = defaults.RETENTION_DAYS
# Unanswered questions may still hold a name the scrubber did not recognise: kept a shorter time.
DEFAULT_QUESTION_RETENTION_DAYS = defaults.QUESTION_RETENTION_DAYS
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Kept without any user id, purged by their own day (bot/storage/feedback.py).
FEEDBACK_TABLES = (AnswerFeedback.__table__, UnansweredQuestion.__table__)
# A person's cases and complaint being written also go when they are forgotten (foreign key, ON DELETE CASCADE).
# Staff private chats go by their last message (staff_copies: deleted through Telegram, bot/handoff/inbox.py).
CASE_TABLES = (CaseMessage.__table__, Case.__table__, ComplaintDraft.__table__, StaffPrivate.__table__)
CASE_ROWS = Case.__table__

# Rasa's SQLTrackerStore table, deleted from when it lives in the same database.
RASA_EVENTS = sa.table("events", sa.column("sender_id", sa.String), sa.column("timestamp", sa.Float))

OUTAGES = (OperationalError, InterfaceError)
"""Errors that mean the database is unreachable or unusable right now, not a bug."""

T = TypeVar("T")


@dataclass(frozen=True)
class Preferences:
    """What is stored about one user."""

    language: str | None
    region: str | None
    first_contact: date
    last_seen: datetime


class Database:
    """The assistant's storage (SQLite file by default, PostgreSQL by URL).

    Methods raise SQLAlchemy errors; wrap calls in `safe` (or use
    `get_preferences_or_none`) where a database outage must not stop answering.
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        question_retention_days: int = DEFAULT_QUESTION_RETENTION_DAYS,
        chat_key: str = "",
    ) -> None:
        """chat_key: the pseudonym key, to seal chat ids at rest (empty: a key of this process only)."""
        if retention_days < 1:
            raise ValueError(f"RETENTION_DAYS must be at least 1, not {retention_days}.")
        if question_retention_days < 1:
            raise ValueError(f"QUESTION_RETENTION_DAYS must be at least 1, not {question_retention_days}.")
        self.question_retention_days = question_retention_days
        self.url = url
        self.retention_days = retention_days
        self.engine = create_engine(url)
        self._seal = ChatSeal(chat_key)

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    def open_chat(self, sealed: str) -> int | None:
        """The Telegram chat id in a sealed telegram_chats value (None if it cannot be opened with this key)."""
        return self._seal.open(sealed)

    # --- schema -------------------------------------------------------------

    def alembic_config(self) -> Config:
        """Alembic's configuration for this database, built in code (no alembic.ini)."""
        from alembic.config import Config  # imported when migrating only: it is slow to import

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return config

    def migrate(self) -> None:
        """Bring the schema to the newest migration (blocking; call once at start-up)."""
        from alembic import command

        config = self.alembic_config()
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # replicas starting together migrate one after the other
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7201600001)"))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def has_rasa_events(self, conn: Connection) -> bool:
        """Whether Rasa's tracker table `events` exists in this database."""
        return bool(sa.inspect(conn).has_table("events"))

    # --- async API ----------------------------------------------------------

    async def in_transaction(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one transaction, in a worker thread."""

        def transaction() -> T:
            with self.engine.begin() as conn:
                return work(conn)

        return await asyncio.to_thread(transaction)

    async def get_preferences(self, pseudonym: str) -> Preferences | None:
        """The stored preferences of a user, or None if nothing is stored."""
        users = User.__table__

        def work(conn: Connection) -> Preferences | None:
            row = conn.execute(sa.select(users).where(users.c.pseudonym == pseudonym)).first()
            if row is None:
                return None
            return Preferences(row.language, row.region, row.first_contact, row.last_seen)

        return await self.in_transaction(work)

    async def get_preferences_or_none(self, pseudonym: str) -> Preferences | None:
        """Like get_preferences, but a database outage is logged and gives None (answer with defaults)."""
        return await safe(self.get_preferences(pseudonym), None, "read preferences")

    async def save_preferences(self, pseudonym: str, language: str | None, region: str | None) -> None:
        """Store a user's language and region (None stores no preference) and mark them seen now."""
        now = utcnow()

        def work(conn: Connection) -> None:
            upsert(
                conn,
                User.__table__,
                {
                    "pseudonym": pseudonym,
                    "language": language,
                    "region": region,
                    "first_contact": now.date(),
                    "last_seen": now,
                },
                {"language": language, "region": region, "last_seen": now},
            )

        await self.in_transaction(work)

    async def remember_chat(self, pseudonym: str, chat_id: int) -> None:
        """Record where to send this user's replies (sealed) and mark them seen now (creates the user if new)."""
        now, sealed = utcnow(), self._seal.seal(chat_id)

        def work(conn: Connection) -> None:
            upsert(
                conn,
                User.__table__,
                {"pseudonym": pseudonym, "first_contact": now.date(), "last_seen": now},
                {"last_seen": now},
            )
            upsert(
                conn,
                TelegramChat.__table__,
                {"pseudonym": pseudonym, "chat_id": sealed, "last_seen": now},
                {"chat_id": sealed, "last_seen": now},
            )

        await self.in_transaction(work)

    async def chat_id_for(self, pseudonym: str) -> int | None:
        """The Telegram chat to send this user's replies to, or None if unknown."""
        chats = TelegramChat.__table__

        def work(conn: Connection) -> str | None:
            return conn.execute(sa.select(chats.c.chat_id).where(chats.c.pseudonym == pseudonym)).scalar()

        sealed = await self.in_transaction(work)
        return None if sealed is None else self._seal.open(sealed)

    async def forget(self, pseudonym: str) -> int:
        """Delete everything stored about a user, Rasa's conversation events included; the number of rows.

        Their cases' staff-chat topics are queued for deletion through Telegram (topic_deletions.py).
        """

        def work(conn: Connection) -> int:
            queue_topics_of(conn, CASE_ROWS.c.pseudonym == pseudonym)
            deleted = forget_alerts(conn, pseudonym)  # subscriptions, pending alerts; sent ones kept as counts
            for table in (TelegramChat.__table__, User.__table__):
                deleted += conn.execute(sa.delete(table).where(table.c.pseudonym == pseudonym)).rowcount
            if self.has_rasa_events(conn):
                deleted += conn.execute(sa.delete(RASA_EVENTS).where(RASA_EVENTS.c.sender_id == pseudonym)).rowcount
            return deleted

        return await self.in_transaction(work)

    async def purge(self, older_than_days: int | None = None) -> dict[str, int]:
        """Delete rows not seen for the retention period (default: this database's); rows deleted per table.

        A user's chat mapping goes with the user; Rasa's events go one by one by their own timestamp.
        Unanswered questions go after question_retention_days already, if that is shorter.
        """
        days = self.retention_days if older_than_days is None else older_than_days
        if days < 1:
            raise ValueError(f"The retention period must be at least 1 day, not {days}.")
        cutoff = utcnow() - timedelta(days=days)
        question_cutoff = max(cutoff, utcnow() - timedelta(days=self.question_retention_days))
        users, chats = User.__table__, TelegramChat.__table__

        def work(conn: Connection) -> dict[str, int]:
            expired_users = sa.select(users.c.pseudonym).where(users.c.last_seen < cutoff)
            # first the staff-chat topics of the cases that go (theirs, or their person's): deleted through Telegram
            queue_topics_of(conn, sa.or_(CASE_ROWS.c.last_seen < cutoff, CASE_ROWS.c.pseudonym.in_(expired_users)))
            alert_counts = purge_alerts(conn, cutoff)  # before their users go
            counts = {
                "telegram_chats": conn.execute(
                    sa.delete(chats).where(sa.or_(chats.c.last_seen < cutoff, chats.c.pseudonym.in_(expired_users)))
                ).rowcount,
                "users": conn.execute(sa.delete(users).where(users.c.last_seen < cutoff)).rowcount,
                **alert_counts,
            }
            for table in FEEDBACK_TABLES:  # answer feedback and unanswered questions: by their day
                until = question_cutoff if table is UnansweredQuestion.__table__ else cutoff
                counts[table.name] = conn.execute(sa.delete(table).where(table.c.last_seen < until)).rowcount
            for table in CASE_TABLES:  # handoff cases, their messages, complaint drafts: by their last change
                counts[table.name] = conn.execute(sa.delete(table).where(table.c.last_seen < cutoff)).rowcount
            if self.has_rasa_events(conn):
                counts["events"] = conn.execute(
                    sa.delete(RASA_EVENTS).where(RASA_EVENTS.c.timestamp < cutoff.timestamp())
                ).rowcount
            return counts

        return await self.in_transaction(work)


async def safe(operation: Awaitable[T], default: T, what: str) -> T:
    """Await a database operation; on an outage log it and return `default` instead of raising.

    `what` names the operation in the log ("read preferences"); no user data is logged.
    """
    try:
        return await operation
    except OUTAGES as error:
        log.error("Database unavailable, could not %s (continuing without it): %s", what, outage_reason(error))
        return default


def outage_reason(error: Exception) -> str:
    """The first line of the driver's message (no SQL, no parameters)."""
    lines = str(getattr(error, "orig", None) or error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
