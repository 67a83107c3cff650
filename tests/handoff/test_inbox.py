"""Staff private chats and the case messages in them (bot/handoff/inbox.py), and what waits for a topic."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.handoff.cases import CaseStore
from bot.handoff.inbox import COPY_LIFETIME, StaffInbox
from bot.handoff.lifecycle import Direction, Kind
from bot.storage.db import Database, sqlite_url
from bot.storage.models import utcnow

pytestmark = pytest.mark.asyncio(loop_scope="session")
PERSON, STAFF = "p" * 64, 900001


@pytest.fixture
async def store(tmp_path):
    db = Database(sqlite_url(tmp_path))
    db.migrate()
    await db.remember_chat(PERSON, 77)
    yield CaseStore(db)
    db.close()


async def test_what_waits_for_the_topic_and_the_private_chat(store: CaseStore):
    case = await store.open(PERSON, "my", "th", Kind.REQUEST)
    one = await store.add_message(case.id, Direction.USER, "one", copy=True)
    await store.add_message(case.id, Direction.USER, "two")
    reply = await store.add_message(case.id, Direction.STAFF, "answer", record=True)
    await store.add_message(case.id, Direction.NOTE, "a note")
    assert [m.text for m in await store.to_copy(case.id)] == ["one"]
    assert [m.text for m in await store.for_topic(case.id)] == ["one", "two", "answer"]  # in order
    assert await store.waiting_for_topics() == [case.id]
    await store.copied(one.id)
    await store.in_topic([m.id for m in await store.for_topic(case.id)])
    assert await store.to_copy(case.id) == [] and await store.waiting_for_topics() == []
    stored = {m.id: m for m in await store.messages(case.id)}
    assert (stored[one.id].copied, stored[one.id].delivered) == (True, True)
    assert (stored[reply.id].recorded, stored[reply.id].delivered) == (True, False)  # sent to the person apart


async def test_copies_are_deleted_with_their_case_and_after_their_lifetime(store: CaseStore):
    inbox = StaffInbox(store.db)
    assert not await inbox.has_private(STAFF)
    await inbox.started(STAFF)
    assert await inbox.has_private(STAFF)
    case = await store.open(PERSON, "my", "th", Kind.REQUEST)
    await inbox.add(case.id, STAFF, 1001)
    assert await inbox.case_of(STAFF, 1001) == case.id and await inbox.case_of(STAFF, 1002) is None
    assert await inbox.to_delete() == []  # fresh, its case alive
    [(_, staff, message)] = await inbox.to_delete(utcnow() + COPY_LIFETIME + timedelta(minutes=1))
    assert (staff, message) == (STAFF, 1001)  # before Telegram's 48 hours run out

    await store.db.forget(PERSON)  # the case goes; its copy is to delete now, no longer anyone's
    [(row, staff, message)] = await inbox.to_delete()
    assert (staff, message) == (STAFF, 1001) and await inbox.case_of(STAFF, 1001) is None
    await inbox.deleted(row)
    assert await inbox.to_delete(utcnow() + timedelta(days=3)) == []


async def test_retention_forgets_staff_private_chats(store: CaseStore):
    inbox = StaffInbox(store.db)
    await inbox.started(STAFF)
    with store.db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE staff_private SET last_seen = '2020-01-01'"))
    assert (await store.db.purge(90))["staff_private"] == 1
    assert not await inbox.has_private(STAFF)
