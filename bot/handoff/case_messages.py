"""A case's messages in the database: stored before they are sent, marked sent after (the lifecycle: lifecycle.py).

The person's messages go to the case's forum topic (merged when they pile up) and, once the case is
claimed, to the claimant's private chat too (`copied`); staff replies go to the person, and those
written in a private chat are posted in the topic for the record (`recorded`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.expression import Update

from bot.handoff.lifecycle import CaseMessage, Direction
from bot.storage.db import Database
from bot.storage.models import Case as CaseRow
from bot.storage.models import CaseMessage as MessageRow
from bot.storage.models import utcnow

CASES = CaseRow.__table__
MESSAGES = MessageRow.__table__


def _message(row: Row) -> CaseMessage:
    return CaseMessage(
        row.id,
        row.case_id,
        Direction(row.direction),
        row.text,
        bool(row.delivered),
        row.media_kind,
        row.media_file_id,
        row.copied,
        row.recorded,
    )


# what the case's topic still needs: the person's undelivered messages, staff replies written in private
_FOR_TOPIC = sa.or_(
    sa.and_(MESSAGES.c.direction == Direction.USER.value, MESSAGES.c.delivered.is_(False)),
    MESSAGES.c.recorded.is_(False),
)


class MessageStore:
    """The messages of cases (CaseStore adds the cases themselves)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_message(
        self,
        case_id: int,
        direction: Direction,
        text: str,
        media_kind: str | None = None,
        media_file_id: str | None = None,
        copy: bool = False,
        record: bool = False,
    ) -> CaseMessage:
        """Store a message, not yet delivered: text, or media (MEDIA_KINDS; Telegram file id; text: caption).

        copy: the person's message goes to the claimant's private chat too; record: a staff reply written
        in a private chat, still to post in the case's topic (the record).
        """
        now = utcnow()

        def work(conn: Connection) -> CaseMessage:
            key = conn.execute(
                sa.insert(MESSAGES).values(
                    case_id=case_id,
                    direction=direction.value,
                    text=text,
                    delivered=False,
                    created_at=now,
                    last_seen=now,
                    media_kind=media_kind,
                    media_file_id=media_file_id,
                    copied=False if copy else None,
                    recorded=False if record else None,
                )
            ).inserted_primary_key[0]
            conn.execute(sa.update(CASES).where(CASES.c.id == case_id).values(last_seen=now))
            return _message(conn.execute(sa.select(MESSAGES).where(MESSAGES.c.id == key)).one())

        return await self.db.in_transaction(work)

    async def undelivered(self, case_id: int, direction: Direction) -> list[CaseMessage]:
        """The case's messages in one direction still to deliver, oldest first."""

        def work(conn: Connection) -> list[CaseMessage]:
            rows = conn.execute(
                sa.select(MESSAGES)
                .where(
                    MESSAGES.c.case_id == case_id,
                    MESSAGES.c.direction == direction.value,
                    MESSAGES.c.delivered.is_(False),
                )
                .order_by(MESSAGES.c.id)
            )
            return [_message(r) for r in rows]

        return await self.db.in_transaction(work)

    async def messages(self, case_id: int) -> list[CaseMessage]:
        """All the case's messages, oldest first."""

        def work(conn: Connection) -> list[CaseMessage]:
            rows = conn.execute(sa.select(MESSAGES).where(MESSAGES.c.case_id == case_id).order_by(MESSAGES.c.id))
            return [_message(r) for r in rows]

        return await self.db.in_transaction(work)

    async def delivered(self, message_id: int) -> None:
        """Mark a message delivered."""

        def work(conn: Connection) -> None:
            conn.execute(
                sa.update(MESSAGES).where(MESSAGES.c.id == message_id).values(delivered=True, last_seen=utcnow())
            )

        await self.db.in_transaction(work)

    async def to_copy(self, case_id: int) -> list[CaseMessage]:
        """The case's messages still to send to the claimant's private chat, oldest first."""
        return await self._messages(sa.and_(MESSAGES.c.case_id == case_id, MESSAGES.c.copied.is_(False)))

    async def for_topic(self, case_id: int) -> list[CaseMessage]:
        """What the case's topic still needs, oldest first (CaseMessage.for_topic)."""
        return await self._messages(sa.and_(MESSAGES.c.case_id == case_id, _FOR_TOPIC))

    async def waiting_for_topics(self) -> list[int]:
        """The cases with something still to post in their topic, the longest waiting first."""

        def work(conn: Connection) -> list[int]:
            oldest = sa.func.min(MESSAGES.c.id)
            query = sa.select(MESSAGES.c.case_id).where(_FOR_TOPIC).group_by(MESSAGES.c.case_id).order_by(oldest)
            return [int(i) for i in conn.execute(query).scalars()]

        return await self.db.in_transaction(work)

    async def copied(self, message_id: int, sent: bool = True) -> None:
        """The private copy was sent (or, sent False, is no longer wanted: the staff member blocked the bot)."""
        await self._set(sa.update(MESSAGES).where(MESSAGES.c.id == message_id), copied=True if sent else None)

    async def in_topic(self, message_ids: list[int]) -> None:
        """These messages were posted in the case's topic (merged or not): delivered, or recorded."""
        ids = MESSAGES.c.id.in_(message_ids)
        await self._set(sa.update(MESSAGES).where(ids, MESSAGES.c.direction == Direction.USER.value), delivered=True)
        await self._set(sa.update(MESSAGES).where(ids, MESSAGES.c.recorded.is_(False)), recorded=True)

    async def _set(self, update: Update, **values: object) -> None:
        await self.db.in_transaction(lambda conn: conn.execute(update.values(last_seen=utcnow(), **values)))

    async def _messages(self, where: sa.sql.ColumnElement[bool]) -> list[CaseMessage]:
        def work(conn: Connection) -> list[CaseMessage]:
            return [_message(r) for r in conn.execute(sa.select(MESSAGES).where(where).order_by(MESSAGES.c.id))]

        return await self.db.in_transaction(work)
