"""The stored tables: user preferences and the one pseudonym → Telegram chat mapping.

Privacy rules for every table here (checked by tests/storage/test_models.py):
users are keyed by a pseudonym, never by their Telegram id (only
`telegram_chats` maps back, for sending); nothing about immigration status,
names, usernames or phone numbers; every table has a `last_seen` column that
retention (`Database.purge`) is keyed on.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base
from sqlalchemy.types import TypeDecorator

Base: Any = declarative_base()

RETENTION_COLUMN = "last_seen"
"""Every table has this column; rows whose value is older than the retention period are purged."""


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):  # type: ignore[type-arg]
    """A timestamp stored as naive UTC and read back timezone-aware (same on SQLite and PostgreSQL)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class User(Base):
    """A person's preferences, under their pseudonym."""

    __tablename__ = "users"

    pseudonym = sa.Column(sa.String(64), primary_key=True)
    language = sa.Column(sa.String(8), nullable=True)
    region = sa.Column(sa.String(32), nullable=True)
    first_contact = sa.Column(sa.Date, nullable=False)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)


class TelegramChat(Base):
    """The one place that maps a pseudonym back to a Telegram chat, to send replies."""

    __tablename__ = "telegram_chats"

    pseudonym = sa.Column(sa.String(64), sa.ForeignKey("users.pseudonym", ondelete="CASCADE"), primary_key=True)
    chat_id = sa.Column(sa.BigInteger, nullable=False)
    last_seen = sa.Column(UTCDateTime, nullable=False, index=True)
