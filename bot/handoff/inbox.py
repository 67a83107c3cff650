"""Staff members' private chats with the bot: who has one, and the case messages in them (issue 11).

Telegram lets a bot send about 20 messages a minute into one group, and every forum topic of the staff
supergroup is that one group; a private chat takes one a second. So a claimed case's messages also go
to the claiming staff member's private chat, and their replies there go to the person
(bot/telegram/handoff/private.py). What is stored here is staff data: their Telegram id (in a private
chat, the chat's id) and the ids of the messages in that chat, each with its case.

Telegram lets a bot delete a message (deleteMessage, its own or, in a private chat, the other side's)
only within 48 hours of sending. So every copy is deleted after COPY_LIFETIME, whatever happens to the
case, and `/forget` or the retention purge (which set `case_id` NULL) have it deleted at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.db import Database
from bot.storage.models import StaffCopy, StaffPrivate, utcnow
from bot.storage.sql import upsert

COPY_LIFETIME = timedelta(hours=40)  # then deleted: Telegram allows it for 48 hours only
PRIVATE = StaffPrivate.__table__
COPIES = StaffCopy.__table__


class StaffInbox:
    """Staff private chats and the case messages in them, in the assistant's database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def started(self, staff_id: int) -> None:
        """The staff member wrote to the bot in private: copies of their cases may go there."""
        now = utcnow()
        await self.db.in_transaction(
            lambda conn: upsert(conn, PRIVATE, {"staff_id": staff_id, "last_seen": now}, {"last_seen": now})
        )

    async def has_private(self, staff_id: int) -> bool:
        """Whether the staff member has a private chat with the bot."""
        query = sa.select(PRIVATE.c.staff_id).where(PRIVATE.c.staff_id == staff_id)
        return await self.db.in_transaction(lambda conn: conn.execute(query).first() is not None)

    async def stopped(self, staff_id: int) -> None:
        """The staff member blocked the bot: nothing more goes to their private chat."""
        query = sa.delete(PRIVATE).where(PRIVATE.c.staff_id == staff_id)
        await self.db.in_transaction(lambda conn: conn.execute(query))

    async def add(self, case_id: int, staff_id: int, message_id: int) -> None:
        """Remember a message of the case in the staff member's private chat (sent there, or their reply)."""
        row = {"case_id": case_id, "staff_id": staff_id, "message_id": message_id, "last_seen": utcnow()}
        await self.db.in_transaction(lambda conn: conn.execute(sa.insert(COPIES).values(**row)))

    async def case_of(self, staff_id: int, message_id: int) -> int | None:
        """The case of a message in the staff member's private chat, if it is one of the case's."""
        query = sa.select(COPIES.c.case_id).where(
            COPIES.c.staff_id == staff_id, COPIES.c.message_id == message_id, COPIES.c.case_id.is_not(None)
        )
        return await self.db.in_transaction(lambda conn: conn.execute(query).scalar())

    async def to_delete(self, now: datetime | None = None, limit: int = 500) -> list[tuple[int, int, int]]:
        """(row id, staff id, message id) of the messages to delete: their case is gone, or they are old."""
        older = (now or utcnow()) - COPY_LIFETIME

        def work(conn: Connection) -> list[tuple[int, int, int]]:
            query = (
                sa.select(COPIES.c.id, COPIES.c.staff_id, COPIES.c.message_id)
                .where(sa.or_(COPIES.c.case_id.is_(None), COPIES.c.last_seen < older))
                .order_by(COPIES.c.id)
                .limit(limit)
            )
            return [(int(i), int(s), int(m)) for i, s, m in conn.execute(query)]

        return await self.db.in_transaction(work)

    async def deleted(self, row_id: int) -> None:
        """The message is gone from the private chat (or Telegram will never delete it): forget it."""
        await self.db.in_transaction(lambda conn: conn.execute(sa.delete(COPIES).where(COPIES.c.id == row_id)))
