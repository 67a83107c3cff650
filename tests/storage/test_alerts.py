"""Alert storage: retention deletes the subscriptions of people gone quiet and old deliveries; claims are exclusive."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import sqlalchemy as sa

from bot.storage import alerts as store
from bot.storage.db import Database
from bot.storage.models import AlertDelivery, utcnow
from tests.storage.test_db import ALICE, BOB, age


async def test_retention_removes_quiet_peoples_subscriptions_and_old_deliveries(db: Database) -> None:
    for who, chat in ((ALICE, 1), (BOB, 2)):
        await db.remember_chat(who, chat)
        await store.subscribe(db, who, "work.permit", "th", "th")
    store.queue_alert(db, "a1", "work.permit", ["th"], lambda lang: True)
    age(db, ALICE, 91)
    with db.engine.begin() as conn:  # BOB's delivery is old, ALICE's fresh (she goes with her user)
        conn.execute(
            sa.update(AlertDelivery.__table__)
            .where(AlertDelivery.__table__.c.pseudonym == BOB)
            .values(last_seen=utcnow() - timedelta(days=91))
        )
    counts = await db.purge(90)
    assert (counts["alert_subscriptions"], counts["alert_deliveries"]) == (1, 1)
    assert await store.subscriptions(db, ALICE) == set() and await store.subscriptions(db, BOB) == {"work.permit"}


async def test_two_senders_claiming_at_once_never_get_the_same_delivery(db: Database) -> None:
    for i in range(40):
        await db.remember_chat(f"p{i:063d}", 1000 + i)
        await store.subscribe(db, f"p{i:063d}", "work.permit", "th", "th")
    assert store.queue_alert(db, "a1", "work.permit", ["th"], lambda lang: True).queued == 40
    batches = list(await asyncio.gather(*(store.claim(db, ["th"], 15, 60) for _ in range(4))))
    for _ in range(4):  # what concurrent claimers left (SQLite takes one writer at a time)
        batches.append(await store.claim(db, ["th"], 15, 60))
    ids = [c.id for batch in batches for c in batch]
    assert len(ids) == len(set(ids)) == 40  # every delivery claimed once
    assert {c.chat_id for batch in batches for c in batch} == set(range(1000, 1040))  # chat ids opened
    assert batches[-1] == []  # all taken, none lapsed
    assert len(await store.claim(db, ["th"], 50, 0.000001)) == 40  # claims older than the lease: taken over
