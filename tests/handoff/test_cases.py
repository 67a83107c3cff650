"""Cases: the state machine, and their storage (forgetting a person deletes their cases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.handoff.cases import CaseStore
from bot.handoff.lifecycle import Direction, Event, InvalidTransition, Kind, State, next_state
from bot.storage.db import Database, sqlite_url

pytestmark = pytest.mark.asyncio(loop_scope="session")
PERSON = "p" * 64


def test_the_state_machine():
    assert next_state(State.QUEUED, Event.CLAIM) is State.CLAIMED
    assert next_state(State.QUEUED, Event.CLOSE) is State.CLOSED
    assert next_state(State.CLAIMED, Event.CLOSE) is State.CLOSED
    assert next_state(State.QUEUED, Event.TRANSFER) is State.QUEUED
    assert next_state(State.CLAIMED, Event.TRANSFER) is State.QUEUED
    for state, event in [
        (State.CLAIMED, Event.CLAIM),
        (State.CLOSED, Event.CLAIM),
        (State.CLOSED, Event.CLOSE),
        (State.CLOSED, Event.TRANSFER),
    ]:
        with pytest.raises(InvalidTransition):
            next_state(state, event)


def test_the_diagram_shows_every_transition():
    from bot.handoff.lifecycle import TRANSITIONS

    diagram = (Path(__file__).resolve().parents[2] / "bot" / "handoff" / "lifecycle.mmd").read_text()
    for (state, _event), target in TRANSITIONS.items():
        assert f"{state.value} --> {target.value}" in diagram


@pytest.fixture
async def store(tmp_path):
    db = Database(sqlite_url(tmp_path))
    db.migrate()
    await db.remember_chat(PERSON, 77)
    yield CaseStore(db)
    db.close()


async def test_open_claim_close_and_messages(store: CaseStore):
    case = await store.open(PERSON, "my", "th", Kind.REQUEST)
    assert (case.id, case.state, case.open) == (1, State.QUEUED, True)
    assert (await store.open(PERSON, "my", "th", Kind.REQUEST)).id == 1  # one open case per person
    await store.set_forum_topic(1, 501)
    assert (await store.for_forum_topic(501)).id == 1
    claimed = await store.apply(1, Event.CLAIM, staff_id=900001)
    assert (claimed.state, claimed.claimed_by) == (State.CLAIMED, 900001)
    with pytest.raises(InvalidTransition):
        await store.apply(1, Event.CLAIM, staff_id=900002)
    first = await store.add_message(1, Direction.USER, "one")
    await store.add_message(1, Direction.USER, "two")
    await store.add_message(1, Direction.STAFF, "reply")
    assert [m.text for m in await store.undelivered(1, Direction.USER)] == ["one", "two"]
    await store.delivered(first.id)
    assert [m.text for m in await store.undelivered(1, Direction.USER)] == ["two"]
    assert (await store.apply(1, Event.CLOSE)).state is State.CLOSED
    assert await store.open_for(PERSON) is None
    assert (await store.open(PERSON, "my", "th", Kind.REQUEST)).id == 2  # a new case after the closed one


async def test_forgetting_the_person_deletes_their_cases_and_messages(store: CaseStore):
    case = await store.open(PERSON, "my", "th", Kind.REQUEST)
    await store.set_forum_topic(case.id, 501)
    await store.add_message(case.id, Direction.USER, "private")
    assert await store.topics_of(PERSON) == [(0, 501)]  # group 0: the default staff group
    await store.db.forget(PERSON)
    assert await store.get(case.id) is None
    assert await store.messages(case.id) == []
    assert await store.topics_to_delete() == [(0, 501)]  # the staff-chat topic: deleted through Telegram
    await store.topic_deleted(0, 501)
    assert await store.topics_to_delete() == []


async def test_a_topic_id_is_per_staff_group(store: CaseStore):
    """Two teams' groups number their topics on their own: the same id in each is two topics."""
    mine = await store.open(PERSON, "my", "th", Kind.REQUEST, staff_group=-100777)
    await store.db.remember_chat("q" * 64, 78)
    theirs = await store.open("q" * 64, "en", "th", Kind.REQUEST)
    await store.set_forum_topic(mine.id, 501)
    await store.set_forum_topic(theirs.id, 501)
    assert (mine.staff_group, theirs.staff_group) == (-100777, 0)
    assert (await store.for_forum_topic(501, (-100777,))).id == mine.id
    assert (await store.for_forum_topic(501, (-100999, 0))).id == theirs.id
    assert await store.for_forum_topic(501, (-100888,)) is None
    await store.db.forget(PERSON)
    await store.db.forget("q" * 64)
    assert sorted(await store.topics_to_delete()) == [(-100777, 501), (0, 501)]
    await store.topic_deleted(-100777, 501)
    assert await store.topics_to_delete() == [(0, 501)]


async def test_retention_queues_the_topics_of_the_cases_it_deletes(store: CaseStore):
    import sqlalchemy as sa

    old = await store.open(PERSON, "my", "th", Kind.REQUEST)
    await store.set_forum_topic(old.id, 501)
    await store.apply(old.id, Event.CLOSE)
    await store.db.remember_chat("q" * 64, 78)
    fresh = await store.open("q" * 64, "th", "th", Kind.REQUEST)
    await store.set_forum_topic(fresh.id, 502)
    with store.db.engine.begin() as conn:  # the first case, and its person, not seen for 100 days
        conn.execute(sa.text("UPDATE cases SET last_seen = '2020-01-01' WHERE id = :id"), {"id": old.id})
        conn.execute(sa.text("UPDATE users SET last_seen = '2020-01-01' WHERE pseudonym = :p"), {"p": PERSON})
    await store.db.purge(90)
    assert await store.get(old.id) is None and await store.get(fresh.id) is not None
    assert await store.topics_to_delete() == [(0, 501)]


async def test_queue_positions_transfer_and_rating(store: CaseStore):
    others = ["q" * 64, "r" * 64, "s" * 64]
    for i, other in enumerate(others):
        await store.db.remember_chat(other, 78 + i)
    first = await store.open(PERSON, "my", "th", Kind.REQUEST)
    urgent = await store.open(others[0], "my", "th", Kind.URGENT)
    thai = await store.open(others[1], "th", "th", Kind.REQUEST)
    assert [await store.position(c) for c in (first, urgent, thai)] == [2, 1, 1]  # urgent first, per language
    assert [c.id for c in await store.open_cases()] == [urgent.id, first.id, thai.id]
    await store.apply(urgent.id, Event.CLAIM, staff_id=900001)
    assert await store.position(urgent) is None and await store.position(first) == 1  # claimed: out of the queue

    moved = await store.apply(urgent.id, Event.TRANSFER, route="th")
    assert (moved.state, moved.claimed_by, moved.routed_to, moved.route) == (State.QUEUED, None, "th", "th")
    assert await store.position(moved) == 1 and await store.position(thai) == 2  # urgent first in the Thai queue
    await store.set_told_position(first.id, 1)
    assert (await store.get(first.id)).told_position == 1

    assert not await store.rate(first.id, PERSON, 5)  # open: not yet
    await store.apply(first.id, Event.CLOSE)
    assert not await store.rate(first.id, others[0], 5)  # not their case
    assert await store.rate(first.id, PERSON, 4)
    assert not await store.rate(first.id, PERSON, 1)  # once
    assert (await store.get(first.id)).rating == 4


async def test_media_messages_are_stored_by_file_id(store: CaseStore):
    case = await store.open(PERSON, "my", "th", Kind.REQUEST)
    await store.add_message(case.id, Direction.USER, "caption", "photo", "file-1")
    await store.add_message(case.id, Direction.NOTE, "for staff")
    [photo] = await store.undelivered(case.id, Direction.USER)
    assert (photo.text, photo.media_kind, photo.media_file_id) == ("caption", "photo", "file-1")
    assert [m.direction for m in await store.messages(case.id)] == [Direction.USER, Direction.NOTE]
