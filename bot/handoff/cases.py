"""Cases and their messages in the database (the lifecycle: lifecycle.py, lifecycle.mmd).

A case is opened for a person (by pseudonym), queued until a rostered staff member
claims it, and closed by staff or by the person (`/bot`). Its messages are stored
before they are sent and marked delivered after, so a restart loses nothing::

    cases = CaseStore(db)
    case = await cases.open(person, "my", "th", Kind.REQUEST)
    msg = await cases.add_message(case.id, Direction.USER, "...")
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from bot.handoff.case_messages import MessageStore
from bot.handoff.lifecycle import (
    Case,
    Event,
    InvalidTransition,
    Kind,
    State,
    next_state,
    queue_order,
)
from bot.storage.models import Case as CaseRow
from bot.storage.models import utcnow
from bot.storage.topic_deletions import TOPICS

CASES = CaseRow.__table__


def _case(row: Row) -> Case:
    return Case(
        row.id,
        row.pseudonym,
        row.language,
        row.region,
        Kind(row.kind),
        row.topic,
        State(row.state),
        row.claimed_by,
        row.forum_topic_id,
        row.created_at,
        row.routed_to,
        row.told_position,
        row.rating,
        row.staff_group,
    )


class CaseStore(MessageStore):
    """Cases and their messages (MessageStore) in the assistant's database (blocking SQL in a worker thread)."""

    async def open(  # noqa: PLR0913
        self, pseudonym: str, language: str, region: str, kind: Kind, topic: str | None = None, staff_group: int = 0
    ) -> Case:
        """Open a queued case for the person (its topic in staff_group), or give their case that is already open."""
        now = utcnow()

        def work(conn: Connection) -> Case:
            row = conn.execute(
                sa.select(CASES).where(CASES.c.pseudonym == pseudonym, CASES.c.state != State.CLOSED.value)
            ).first()
            if row is not None:
                return _case(row)
            key = conn.execute(
                sa.insert(CASES).values(
                    pseudonym=pseudonym,
                    language=language,
                    region=region,
                    kind=kind.value,
                    topic=topic,
                    state=State.QUEUED.value,
                    created_at=now,
                    last_seen=now,
                    staff_group=staff_group,
                )
            ).inserted_primary_key[0]
            return _case(conn.execute(sa.select(CASES).where(CASES.c.id == key)).one())

        return await self.db.in_transaction(work)

    async def opened_since(self, pseudonym: str, since: datetime) -> int:
        """How many cases the person opened from `since` on (closed ones included)."""
        query = (
            sa.select(sa.func.count())
            .select_from(CASES)
            .where(CASES.c.pseudonym == pseudonym, CASES.c.created_at >= since)
        )
        return await self.db.in_transaction(lambda conn: int(conn.execute(query).scalar_one()))

    async def get(self, case_id: int) -> Case | None:
        """The case with this id."""
        return await self._one(CASES.c.id == case_id)

    async def open_for(self, pseudonym: str) -> Case | None:
        """The person's open case, if any."""
        return await self._one(sa.and_(CASES.c.pseudonym == pseudonym, CASES.c.state != State.CLOSED.value))

    async def for_forum_topic(self, forum_topic_id: int, groups: tuple[int, ...] = (0,)) -> Case | None:
        """The case whose staff forum topic this is, in one of these staff groups (a topic id is per group)."""
        return await self._one(sa.and_(CASES.c.forum_topic_id == forum_topic_id, CASES.c.staff_group.in_(groups)))

    async def topics_of(self, pseudonym: str) -> list[tuple[int, int]]:
        """The staff forum topics of the person's cases: (staff group, topic id); group 0 is the default one."""

        def work(conn: Connection) -> list[tuple[int, int]]:
            query = sa.select(CASES.c.staff_group, CASES.c.forum_topic_id).where(
                CASES.c.pseudonym == pseudonym, CASES.c.forum_topic_id.is_not(None)
            )
            return [(int(group), int(topic)) for group, topic in conn.execute(query)]

        return await self.db.in_transaction(work)

    async def topics_to_delete(self, limit: int = 100) -> list[tuple[int, int]]:
        """Topics of forgotten or expired cases, still to delete through Telegram: (group, topic); oldest first."""

        def work(conn: Connection) -> list[tuple[int, int]]:
            query = sa.select(TOPICS.c.staff_group, TOPICS.c.forum_topic_id).order_by(TOPICS.c.last_seen).limit(limit)
            return [(int(group), int(topic)) for group, topic in conn.execute(query)]

        return await self.db.in_transaction(work)

    async def topic_deleted(self, staff_group: int, forum_topic_id: int) -> None:
        """Telegram deleted the topic: its id is forgotten too."""
        where = sa.and_(TOPICS.c.staff_group == staff_group, TOPICS.c.forum_topic_id == forum_topic_id)
        await self.db.in_transaction(lambda conn: conn.execute(sa.delete(TOPICS).where(where)))

    async def _one(self, where: sa.sql.ColumnElement[bool]) -> Case | None:
        def work(conn: Connection) -> Case | None:
            row = conn.execute(sa.select(CASES).where(where).order_by(CASES.c.id.desc())).first()
            return None if row is None else _case(row)

        return await self.db.in_transaction(work)

    async def set_forum_topic(self, case_id: int, forum_topic_id: int) -> None:
        """Record the staff forum topic created for the case."""
        await self._update(case_id, forum_topic_id=forum_topic_id)

    async def apply(self, case_id: int, event: Event, staff_id: int | None = None, route: str | None = None) -> Case:
        """Move the case through the state machine; InvalidTransition if not allowed.

        Claim records staff_id; transfer sets the new route (a language code or SUPERVISOR) and unclaims.
        """

        def work(conn: Connection) -> Case:
            row = conn.execute(sa.select(CASES).where(CASES.c.id == case_id)).one()
            state = next_state(State(row.state), event)
            values: dict[str, object] = {"state": state.value, "last_seen": utcnow()}
            if event is Event.CLAIM:
                values["claimed_by"] = staff_id
            if event is Event.TRANSFER:
                values.update(claimed_by=None, routed_to=route, told_position=None)
            # the state in WHERE: of two staff pressing at once, only one moves it
            done = conn.execute(
                sa.update(CASES).where(CASES.c.id == case_id, CASES.c.state == row.state).values(**values)
            ).rowcount
            if not done:
                raise InvalidTransition(f"case {case_id} changed meanwhile")
            return _case(conn.execute(sa.select(CASES).where(CASES.c.id == case_id)).one())

        return await self.db.in_transaction(work)

    async def set_told_position(self, case_id: int, position: int) -> None:
        """Record the queue position the person was told (they are told again only when it changes)."""
        await self._update(case_id, told_position=position)

    async def rate(self, case_id: int, pseudonym: str, rating: int) -> bool:
        """Store the person's rating of a closed case (once, by its own person); whether it was stored."""

        def work(conn: Connection) -> bool:
            return bool(
                conn.execute(
                    sa.update(CASES)
                    .where(
                        CASES.c.id == case_id,
                        CASES.c.pseudonym == pseudonym,
                        CASES.c.state == State.CLOSED.value,
                        CASES.c.rating.is_(None),
                    )
                    .values(rating=rating, last_seen=utcnow())
                ).rowcount
            )

        return await self.db.in_transaction(work)

    async def open_cases(self) -> list[Case]:
        """Every open case (queued or claimed), urgent first, then oldest first."""

        def work(conn: Connection) -> list[Case]:
            rows = conn.execute(sa.select(CASES).where(CASES.c.state != State.CLOSED.value))
            return sorted((_case(r) for r in rows), key=queue_order)

        return await self.db.in_transaction(work)

    async def position(self, case: Case) -> int | None:
        """The case's place (1 = next) among the queued cases of its route; None if it is not queued."""
        queued = [c for c in await self.open_cases() if c.state is State.QUEUED and c.route == case.route]
        return next((i for i, c in enumerate(queued, 1) if c.id == case.id), None)

    async def mark_urgent(self, case_id: int, topic: str) -> Case | None:
        """Make a case urgent (the top of its queue), keeping its topic if it has one."""
        await self._update(case_id, kind=Kind.URGENT.value, topic=sa.func.coalesce(CASES.c.topic, topic))
        return await self.get(case_id)

    async def _update(self, case_id: int, **values: object) -> None:
        def work(conn: Connection) -> None:
            conn.execute(sa.update(CASES).where(CASES.c.id == case_id).values(last_seen=utcnow(), **values))

        await self.db.in_transaction(work)
