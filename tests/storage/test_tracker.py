"""Rasa's tracker store on the assistant's database."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.rasa.tracker_store import sql_tracker_store
from bot.storage.db import sqlite_url
from tests.storage.test_db import DOWN_URL


def test_an_sql_tracker_store_on_the_database_url(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "var")
    store = sql_tracker_store(url)
    assert type(store).__name__ == "ThreadedSQLTrackerStore"
    store.engine.dispose()
    engine = sa.create_engine(url)
    assert sa.inspect(engine).has_table("events")
    engine.dispose()


def test_an_unreachable_database_gives_none_at_once_and_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.rasa.tracker_store"):
        assert sql_tracker_store(DOWN_URL) is None  # not Rasa's retry-forever loop
    assert "Rasa keeps conversations in memory" in caplog.text


async def test_the_store_works_on_its_own_thread_and_keeps_every_event(tmp_path: Path) -> None:
    """Saves and reads run on the store's thread, not the event loop's, and give back what was saved, in order."""
    import threading

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa.threaded_store import ThreadedSQLTrackerStore

    store = sql_tracker_store(sqlite_url(tmp_path / "var"))
    assert isinstance(store, ThreadedSQLTrackerStore)
    store.domain = Domain.empty()
    seen: list[str] = []
    session_scope = store.session_scope

    def spying_scope():  # type: ignore[no-untyped-def]
        seen.append(threading.current_thread().name)
        return session_scope()

    store.session_scope = spying_scope  # type: ignore[method-assign]
    tracker = DialogueStateTracker("person", [])
    for n in range(5):
        tracker.update(UserUttered(f"question {n}"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
    back = await store.retrieve("person")
    assert back is not None
    assert [e.text for e in back.events if isinstance(e, UserUttered)] == [f"question {n}" for n in range(5)]
    assert list(await store.keys()) == ["person"]
    assert seen and set(seen) == {"tracker-store"}, seen
    store.engine.dispose()


async def test_a_long_conversation_loads_its_last_events_and_stores_every_one(tmp_path: Path) -> None:
    """Only the last WINDOW events are loaded; each save appends exactly the new events, none twice, none lost."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

    from bot.rasa.threaded_store import ThreadedSQLTrackerStore

    url = sqlite_url(tmp_path / "var")
    store = sql_tracker_store(url)
    assert isinstance(store, ThreadedSQLTrackerStore)
    store.domain = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": [{"type": "custom"}]}}})
    store.WINDOW = 12
    for n in range(10):  # 3 events a turn, each turn as Rasa does it: load, add, save
        tracker = await store.retrieve("person") or store.init_tracker("person")
        assert len(tracker.events) == min(3 * n, 12)
        tracker.update(UserUttered(f"question {n}"))
        tracker.update(SlotSet("language", "km"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
    back = await store.retrieve("person")
    assert back is not None and back.get_slot("language") == "km"
    assert [e.text for e in back.events if isinstance(e, UserUttered)] == [f"question {n}" for n in range(6, 10)]
    full = await store.retrieve_full_tracker("person")
    assert full is not None
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == [f"question {n}" for n in range(10)]
    with store.session_scope() as session:
        assert session.query(store.SQLEvent).count() == 30
    store.engine.dispose()


async def test_a_full_tracker_saved_back_stores_only_its_new_events(tmp_path: Path) -> None:
    """A tracker loaded with all its events (more than WINDOW), or saved twice, stores each event once."""
    import json

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered

    store = sql_tracker_store(sqlite_url(tmp_path / "var"))
    assert store is not None
    store.domain = Domain.empty()
    store.WINDOW = 4
    tracker = store.init_tracker("person")
    for n in range(5):
        tracker.update(UserUttered(f"question {n}"))
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)  # the same tracker object, saved again and again as it grows
    full = await store.retrieve_full_tracker("person")
    assert full is not None and len(full.events) == 10
    full.update(UserUttered("question 5"))
    await store.save(full)
    full.update(UserUttered("question 6"))
    await store.save(full)
    with store.session_scope() as session:
        rows = session.query(store.SQLEvent).order_by(store.SQLEvent.id)
        texts = [json.loads(e.data)["text"] for e in rows if e.type_name == "user"]
    assert texts == [f"question {n}" for n in range(7)]
    store.engine.dispose()
