"""Cases: the state machine, and their storage (forgetting a person deletes their cases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.handoff.cases import CaseStore, Direction, Event, InvalidTransition, Kind, State, next_state
from bot.storage.db import Database, sqlite_url

pytestmark = pytest.mark.asyncio(loop_scope="session")
PERSON = "p" * 64


def test_the_state_machine():
    assert next_state(State.QUEUED, Event.CLAIM) is State.CLAIMED
    assert next_state(State.QUEUED, Event.CLOSE) is State.CLOSED
    assert next_state(State.CLAIMED, Event.CLOSE) is State.CLOSED
    for state, event in [(State.CLAIMED, Event.CLAIM), (State.CLOSED, Event.CLAIM), (State.CLOSED, Event.CLOSE)]:
        with pytest.raises(InvalidTransition):
            next_state(state, event)


def test_the_diagram_shows_every_transition():
    from bot.handoff.cases import TRANSITIONS

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
    await store.add_message(case.id, Direction.USER, "private")
    await store.db.forget(PERSON)
    assert await store.get(case.id) is None
    assert await store.messages(case.id) == []
