"""Rasa's SQL tracker store with its database work on a thread of its own, off the event loop.

Rasa's SQLTrackerStore is async in name only: every retrieve and save runs its queries (and, on
SQLite, waits for the disk) on the event loop, where the bot also reads updates and sends answers.
Here they run on one dedicated thread with its own event loop: the database drivers let go of
Python's lock while a query runs, so the bot's loop serves other people meanwhile. One thread keeps
the store's work in order, as it was on the loop (docs/performance.md).

Rasa also loads every event since the conversation's session started, and sends them all to the
action server, at every turn: a person who writes 200 messages within the hour made every turn load
~1,700 events. Only the last WINDOW events are loaded here (about 18 turns; the actions read only
the latest ones, and set the language slot at every turn; a staff card shows the last 10 typed
messages); every event stays stored.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Coroutine, Iterable, Iterator
from typing import Any, TypeVar

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Query, Session

T = TypeVar("T")
LOADED = "_events_in_store"  # set on each tracker this store loads or saves: how many of its events are stored


class StoreThread:
    """A daemon thread running an event loop, for coroutines that block."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:  # started on first use: nothing runs at import or construction
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name=self._name, daemon=True).start()
                self._loop = loop
            return self._loop

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work` on the thread and wait for it without blocking the caller's loop."""
        future = asyncio.run_coroutine_threadsafe(work, self._started())
        return await asyncio.wrap_future(future)


class ThreadedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose retrieve, save and keys run on its own thread (StoreThread); a turn loads WINDOW events."""

    WINDOW = 150  # events of the current session that a turn loads, about 18 turns (Rasa's own store: all of them)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._thread = StoreThread("tracker-store")

    async def keys(self) -> Iterable[str]:
        """The conversation ids, read on the store's thread."""
        return await self._thread.run(super().keys())

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        tracker = await self._thread.run(super()._retrieve(sender_id, fetch_events_from_all_sessions))
        if tracker is not None:  # what was loaded is what is stored: a save appends only the events after it
            setattr(tracker, LOADED, len(tracker.events))
        return tracker

    def _event_query(self, session: Session, sender_id: str, fetch_events_from_all_sessions: bool) -> Query:
        """The session's last WINDOW events, oldest first; Rasa's query when all sessions are asked for."""
        query = super()._event_query(session, sender_id, fetch_events_from_all_sessions)
        if fetch_events_from_all_sessions:
            return query
        event = self.SQLEvent
        newest = query.order_by(None).order_by(event.id.desc()).limit(self.WINDOW).with_entities(event.id).subquery()
        return session.query(event).join(newest, event.id == newest.c.id).order_by(event.id)

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The tracker's events not stored yet: those after the ones it was loaded with.

        A tracker this store neither loaded nor saved (one made in memory) holds all its session's
        events, as Rasa assumes: Rasa's own indexed count of the stored ones.
        """
        loaded = getattr(tracker, LOADED, None)
        if loaded is None:
            loaded = SQLTrackerStore._event_query(self, session, tracker.sender_id, False).count()
        return itertools.islice(tracker.events, loaded, len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, on the store's thread."""
        await self._thread.run(super().save(tracker))
        setattr(tracker, LOADED, len(tracker.events))  # all stored now: saved again, it appends only what follows
