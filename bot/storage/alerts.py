"""Alert subscriptions and deliveries in the database (issue 13): subscribe, queue, claim, mark, count.

Queueing inserts one `alert_deliveries` row per (alert, subscriber), so running it twice queues
nothing twice. Senders claim queued rows with one UPDATE that only takes rows still queued (or
whose claim expired: a sender that died mid-send), under a random token, so two replicas never
get the same row. A claim that lapses is taken again; the one message a killed sender had in
flight may then be sent twice (Telegram has no idempotency key) — docs/alerts.md.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.db import Database
from bot.storage.models import AlertDelivery, AlertSubscription, TelegramChat, User, utcnow

SUBS = AlertSubscription.__table__
DELIVERIES = AlertDelivery.__table__
STATES = ("queued", "claimed", "sent", "skipped", "blocked")
PENDING = ("queued", "claimed")


@dataclass
class QueueResult:
    """What `alerts send` did for one alert: new rows queued per language, and what was not queued, by reason."""

    alert: str
    queued: int = 0
    by_language: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, object]:
        """The JSON line `alerts send` prints."""
        return {
            "alert": self.alert,
            "queued": self.queued,
            "by_language": dict(sorted(self.by_language.items())),
            "skipped": dict(sorted(self.skipped.items())),
        }


@dataclass(frozen=True)
class Claimed:
    """A delivery a sender holds: where and in which language to send which alert."""

    id: int
    alert_id: str
    pseudonym: str
    language: str
    region: str
    chat_id: int | None  # None: the person's chat is no longer known


# --- subscriptions -------------------------------------------------------------------------


async def subscribe(db: Database, pseudonym: str, topic: str, region: str, language: str) -> None:
    """Subscribe a person (already recorded by their message) to a topic's alerts."""
    values = {"pseudonym": pseudonym, "topic": topic, "region": region, "language": language, "last_seen": utcnow()}

    def work(conn: Connection) -> None:
        key = (SUBS.c.pseudonym == pseudonym) & (SUBS.c.topic == topic)
        if conn.execute(sa.update(SUBS).where(key).values(**values)).rowcount == 0:
            conn.execute(sa.insert(SUBS).values(**values))

    await db.in_transaction(work)


async def unsubscribe(db: Database, pseudonym: str, topic: str | None = None) -> int:
    """Unsubscribe from one topic, or (topic None) from every alert; the number of subscriptions removed."""

    def work(conn: Connection) -> int:
        where = SUBS.c.pseudonym == pseudonym
        if topic is not None:
            where = where & (SUBS.c.topic == topic)
        return int(conn.execute(sa.delete(SUBS).where(where)).rowcount)

    return await db.in_transaction(work)


async def subscriptions(db: Database, pseudonym: str) -> set[str]:
    """The topics a person is subscribed to."""

    def work(conn: Connection) -> set[str]:
        return set(conn.execute(sa.select(SUBS.c.topic).where(SUBS.c.pseudonym == pseudonym)).scalars())

    return await db.in_transaction(work)


# --- queueing (alerts send) ----------------------------------------------------------------


def queue_alert(  # noqa: PLR0913 (what an alert is, told by the caller: storage knows no content)
    db: Database,
    alert_id: str,
    topic: str,
    regions: Iterable[str],
    sendable: Callable[[str], bool],
    not_before: datetime | None = None,
    dry_run: bool = False,
) -> QueueResult:
    """Queue one delivery per subscriber of topic in regions, in their current language (blocking).

    A person whose language has no sendable text gets a `skipped` row (queued later if a translation
    comes); people already queued or sent are counted under skipped "already". dry_run writes nothing.
    """
    result, now = QueueResult(alert_id), utcnow()
    users = User.__table__

    def work(conn: Connection) -> QueueResult:
        rows = conn.execute(
            sa.select(SUBS.c.pseudonym, SUBS.c.region, sa.func.coalesce(users.c.language, SUBS.c.language))
            .select_from(SUBS.join(users, users.c.pseudonym == SUBS.c.pseudonym))
            .where(SUBS.c.topic == topic, SUBS.c.region.in_(list(regions)))
        ).all()
        existing = dict(
            conn.execute(
                sa.select(DELIVERIES.c.pseudonym, DELIVERIES.c.reason).where(DELIVERIES.c.alert_id == alert_id)
            ).all()
        )
        new: list[dict[str, object]] = []
        requeue: list[dict[str, object]] = []
        for person, region, language in rows:
            ok = sendable(language)
            if person in existing and not (existing[person] == "no_translation" and ok):
                result.skipped["already"] += 1
                continue
            if not ok:
                result.skipped["no_translation"] += 1
            else:
                result.queued += 1
                result.by_language[language] += 1
            row = {
                "alert_id": alert_id,
                "pseudonym": person,
                "language": language,
                "region": region,
                "state": "queued" if ok else "skipped",
                "reason": None if ok else "no_translation",
                "not_before": not_before,
                "attempts": 0,
                "last_seen": now,
            }
            (requeue if person in existing else new).append(row)
        if dry_run:
            return result
        if new:
            conn.execute(sa.insert(DELIVERIES), new)
        for row in requeue:
            key = (DELIVERIES.c.alert_id == alert_id) & (DELIVERIES.c.pseudonym == row["pseudonym"])
            conn.execute(sa.update(DELIVERIES).where(key).values(**row))
        return result

    with db.engine.begin() as conn:
        return work(conn)


def delivery_status(db: Database, alert_id: str | None = None) -> dict[str, dict[str, dict[str, int]]]:
    """Deliveries per alert, language and state (blocking): {alert: {language: {state: n}}}."""
    query = sa.select(DELIVERIES.c.alert_id, DELIVERIES.c.language, DELIVERIES.c.state, sa.func.count())
    if alert_id is not None:
        query = query.where(DELIVERIES.c.alert_id == alert_id)
    query = query.group_by(DELIVERIES.c.alert_id, DELIVERIES.c.language, DELIVERIES.c.state)
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    with db.engine.connect() as conn:
        for alert, language, state, n in conn.execute(query):
            out[alert][language][state] = int(n)
    return {a: {lang: dict(s) for lang, s in by_lang.items()} for a, by_lang in out.items()}


# --- sending (the running bot) ------------------------------------------------------------


async def claim(db: Database, regions: list[str], limit: int, lease: float) -> list[Claimed]:
    """Take up to limit due deliveries of these regions for this sender (a claim older than lease is taken over)."""
    if not regions:
        return []
    token, now = secrets.token_hex(8), utcnow()
    stale = now - timedelta(seconds=lease)
    takeable = sa.or_(
        (DELIVERIES.c.state == "queued") & sa.or_(DELIVERIES.c.not_before.is_(None), DELIVERIES.c.not_before <= now),
        (DELIVERIES.c.state == "claimed") & (DELIVERIES.c.claimed_at < stale),
    )

    def work(conn: Connection) -> list[Claimed]:
        ids = list(  # PostgreSQL: rows another sender is claiming right now are skipped, not waited for
            conn.execute(
                sa.select(DELIVERIES.c.id)
                .where(takeable, DELIVERIES.c.region.in_(regions))
                .order_by(DELIVERIES.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if not ids:
            return []
        conn.execute(
            sa.update(DELIVERIES)
            .where(DELIVERIES.c.id.in_(ids), takeable)  # checked again per row: another sender may have it now
            .values(state="claimed", claim=token, claimed_at=now, attempts=DELIVERIES.c.attempts + 1, last_seen=now)
        )
        chats = TelegramChat.__table__
        rows = conn.execute(
            sa.select(DELIVERIES, chats.c.chat_id.label("sealed"))
            .select_from(DELIVERIES.outerjoin(chats, chats.c.pseudonym == DELIVERIES.c.pseudonym))
            .where(DELIVERIES.c.claim == token, DELIVERIES.c.state == "claimed")
            .order_by(DELIVERIES.c.id)
        ).all()
        return [
            Claimed(r.id, r.alert_id, r.pseudonym, r.language, r.region, db.open_chat(r.sealed) if r.sealed else None)
            for r in rows
        ]

    return await db.in_transaction(work)


async def finish(db: Database, delivery_id: int, state: str, reason: str | None = None) -> None:
    """Record a delivery's outcome: sent, skipped (with the reason) or blocked."""

    def work(conn: Connection) -> None:
        conn.execute(
            sa.update(DELIVERIES)
            .where(DELIVERIES.c.id == delivery_id)
            .values(state=state, reason=reason, claim=None, last_seen=utcnow())
        )

    await db.in_transaction(work)


async def release(db: Database, delivery_ids: list[int], not_before: datetime | None) -> None:
    """Give claimed deliveries back to the queue (not before not_before): RetryAfter, quiet hours, stopping."""

    def work(conn: Connection) -> None:
        conn.execute(
            sa.update(DELIVERIES)
            .where(DELIVERIES.c.id.in_(delivery_ids), DELIVERIES.c.state == "claimed")
            .values(state="queued", claim=None, claimed_at=None, not_before=not_before, last_seen=utcnow())
        )

    if delivery_ids:
        await db.in_transaction(work)
