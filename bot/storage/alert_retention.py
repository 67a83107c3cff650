"""What forgetting a person and retention do to alerts (called by `Database.forget` and `Database.purge`)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.models import AlertDelivery, AlertSubscription, User

SUBS = AlertSubscription.__table__
DELIVERIES = AlertDelivery.__table__


def forget_alerts(conn: Connection, pseudonym: str) -> int:
    """Delete a person's subscriptions and pending deliveries; keep only the counts of what was sent."""
    deleted = conn.execute(sa.delete(SUBS).where(SUBS.c.pseudonym == pseudonym)).rowcount
    mine = DELIVERIES.c.pseudonym == pseudonym
    deleted += conn.execute(sa.delete(DELIVERIES).where(mine, DELIVERIES.c.state.notin_(("sent", "blocked")))).rowcount
    conn.execute(sa.update(DELIVERIES).where(mine).values(pseudonym=None))
    return int(deleted)


def purge_alerts(conn: Connection, cutoff: datetime) -> dict[str, int]:
    """Delete the subscriptions of people not seen since cutoff, and deliveries not changed since then."""
    gone = sa.select(User.__table__.c.pseudonym).where(User.__table__.c.last_seen < cutoff)
    subs = conn.execute(sa.delete(SUBS).where(SUBS.c.pseudonym.in_(gone))).rowcount
    old = conn.execute(sa.delete(DELIVERIES).where(DELIVERIES.c.last_seen < cutoff)).rowcount
    return {SUBS.name: int(subs), DELIVERIES.name: int(old)}
