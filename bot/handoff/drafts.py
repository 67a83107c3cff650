"""Complaint drafts: the answers of a complaint being written, kept in the database (any replica takes the next).

The draft goes when the case opens, on Cancel, after DRAFT_TTL without an answer, with `/forget`
(the user row, ON DELETE CASCADE) and by retention.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.db import Database
from bot.storage.models import ComplaintDraft, utcnow
from bot.storage.sql import upsert

DRAFTS = ComplaintDraft.__table__


@dataclass(frozen=True)
class Draft:
    """A complaint being written: its language and the answers so far."""

    language: str
    answers: list[str]
    last_seen: datetime


class DraftStore:
    """Complaint drafts in the assistant's database (blocking SQL runs in a worker thread)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, person: str) -> Draft | None:
        """The person's draft, if any."""

        def work(conn: Connection) -> Draft | None:
            row = conn.execute(sa.select(DRAFTS).where(DRAFTS.c.pseudonym == person)).first()
            return None if row is None else Draft(row.language, list(json.loads(row.answers)), row.last_seen)

        return await self.db.in_transaction(work)

    async def save(self, person: str, language: str, answers: list[str]) -> None:
        """Store (or replace) the person's draft, seen now."""
        values = {"language": language, "answers": json.dumps(answers, ensure_ascii=False), "last_seen": utcnow()}
        await self.db.in_transaction(lambda conn: upsert(conn, DRAFTS, {"pseudonym": person, **values}, values))

    async def delete(self, person: str) -> bool:
        """Delete the person's draft; whether there was one."""
        return bool(
            await self.db.in_transaction(
                lambda conn: conn.execute(sa.delete(DRAFTS).where(DRAFTS.c.pseudonym == person)).rowcount
            )
        )
