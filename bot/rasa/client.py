"""Talk to Rasa: one interface; an in-process Agent, or HTTP to one or more Rasa servers."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import aiohttp

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa (or its action server) could not answer in time."""


class RasaClient(Protocol):
    """What the assistant needs from Rasa."""

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Run one user message; return the bot messages (text/buttons/custom)."""

    async def forget(self, sender_id: str) -> None:
        """Delete everything Rasa stored about this conversation."""

    async def events(self, sender_id: str) -> list[dict[str, Any]]:
        """The stored events of a conversation (for tests and audits)."""

    async def append_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append events (e.g. `{"event": "pause"}`, `{"event": "resume"}`) to the conversation's tracker."""


class AgentClient:
    """Rasa in this process: loads the trained model once."""

    def __init__(
        self,
        model_path: Path,
        action_url: str,
        timeout: float = 30.0,
        tracker_store: Any = None,
        lock_store: Any = None,
    ):
        """tracker_store: a Rasa TrackerStore (e.g. bot.rasa.tracker_store.sql_tracker_store); None keeps memory.

        lock_store: a Rasa LockStore (redis_lock_store below) so that replicas sharing a tracker
        store never run one conversation's turns at the same time; None locks in this process.
        """
        self.model_path = model_path
        self.action_url = action_url
        self.timeout = timeout
        self.tracker_store = tracker_store
        self.lock_store = lock_store
        self._agent: Any = None

    def load(self) -> None:
        """Load the model (slow: seconds). Call once at start-up."""
        # TensorFlow, which Rasa imports, imports jax only for its TFLite converter and does without it
        # (ImportError is caught there): not importing it saves ~0.6 s and ~50 MB of start-up.
        sys.modules.setdefault("jax", None)  # type: ignore[arg-type]
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        from bot.rasa import speedups as rasa_speedups
        from bot.rasa.action_endpoint import KeepAliveEndpoint

        rasa_speedups.install()

        # Rasa's debug events contain the person's text: never log below INFO.
        configure_structlog(max(logging.getLogger().getEffectiveLevel(), logging.INFO))
        self._agent = Agent.load(
            str(self.model_path),
            action_endpoint=KeepAliveEndpoint(url=self.action_url),
            tracker_store=self.tracker_store,
            lock_store=self.lock_store,
        )

    @property
    def agent(self) -> Any:
        """Rasa's Agent (loaded on first use)."""
        if self._agent is None:
            self.load()
        return self._agent

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Run one message through NLU, policies and actions."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        from bot.nlu.encoder import ENGINE, encode_ahead

        if self._agent is None:
            self.load()
        # The sentence encoder runs ahead of Rasa's graph, on its own thread: off the event loop, on the other core.
        await asyncio.get_running_loop().run_in_executor(ENGINE.executor(), encode_ahead, text)
        channel = CollectingOutputChannel()
        message = UserMessage(text, channel, sender_id, metadata=metadata)
        try:
            await asyncio.wait_for(self._agent.handle_message(message), self.timeout)
        except asyncio.TimeoutError as exc:
            raise RasaUnavailable(f"Rasa did not answer within {self.timeout}s") from exc
        return list(channel.messages)

    async def close(self) -> None:
        """Close the kept-alive connections to the action server."""
        if self._agent is not None and self._agent.action_endpoint is not None:
            await self._agent.action_endpoint.close()

    async def forget(self, sender_id: str) -> None:
        """Remove the conversation from the tracker store."""
        store = self._agent.tracker_store
        store = getattr(store, "_tracker_store", store)  # unwrap Rasa's FailSafeTrackerStore
        if hasattr(store, "store") and isinstance(store.store, dict):  # in-memory store
            store.store.pop(sender_id, None)
            return
        if hasattr(store, "session_scope"):  # SQL tracker store
            from rasa.core.tracker_store import SQLTrackerStore

            with store.session_scope() as session:
                session.query(SQLTrackerStore.SQLEvent).filter_by(sender_id=sender_id).delete()
                session.commit()
            return
        raise NotImplementedError(f"Cannot delete conversations from {type(store).__name__}")

    async def events(self, sender_id: str) -> list[dict[str, Any]]:
        """The stored events of a conversation ([] if none)."""
        tracker = await self._agent.tracker_store.retrieve(sender_id)
        return [] if tracker is None else [e.as_dict() for e in tracker.events]

    async def append_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to the conversation's tracker (created if new) and save it."""
        from rasa.shared.core.events import Event

        if self._agent is None:
            self.load()
        store = self._agent.tracker_store
        tracker = await store.get_or_create_tracker(sender_id)
        for event in events:
            tracker.update(Event.from_parameters(event))
        await store.save(tracker)


def redis_lock_store(url: str) -> Any:
    """Rasa's lock store in Redis for a redis:// URL, still locking while Redis is down (bot/rasa/lock_store.py)."""
    from bot.rasa.lock_store import redis_lock_store as fail_safe

    return fail_safe(url)


class HttpRasaClient:
    """Rasa servers (`rasa run --enable-api`) over HTTP: the REST channel for messages, the HTTP API for trackers.

    With several servers, each conversation goes to one of them, picked by a stable
    hash of its id (so it stays there); if that server cannot be reached, the next
    ones are tried in turn (their tracker store must be shared for the context to
    follow). A request that times out is not retried: the server may still act on it.
    """

    def __init__(self, urls: Sequence[str], timeout: float = 10.0, token: str = ""):
        if not urls:
            raise ValueError("HttpRasaClient needs at least one Rasa server URL")
        self.urls = [u.rstrip("/") for u in urls]
        self.timeout = timeout
        self.token = token
        self._session: aiohttp.ClientSession | None = None

    def servers_for(self, sender_id: str) -> list[str]:
        """The servers to try for one conversation: its own first, then the others in order."""
        first = int.from_bytes(hashlib.sha256(sender_id.encode("utf-8")).digest()[:8], "big") % len(self.urls)
        return self.urls[first:] + self.urls[:first]

    async def _request(
        self, method: str, sender_id: str, path: str, body: Any, query: dict[str, str] | None = None
    ) -> Any:
        """One JSON request to the conversation's server (failing over on connection errors)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        params = {**(query or {}), **({"token": self.token} if self.token else {})}
        last: Exception | None = None
        for base in self.servers_for(sender_id):
            try:
                async with self._session.request(method, base + path, json=body, params=params) as resp:
                    if resp.status >= 500:  # noqa: PLR2004
                        last = RasaUnavailable(f"{base} answered HTTP {resp.status}")
                        continue
                    if resp.status >= 400:  # noqa: PLR2004 - aiohttp's own error would carry the URL and its token
                        raise RasaUnavailable(f"{base}{path} answered HTTP {resp.status}")
                    return await resp.json()
            except asyncio.TimeoutError as exc:
                raise RasaUnavailable(f"{base} did not answer within {self.timeout}s") from exc
            except aiohttp.ClientConnectionError as exc:
                log.warning("Rasa server %s unreachable, trying the next one", base)
                last = exc
        raise RasaUnavailable("No Rasa server could be reached") from last

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Run one message through Rasa's REST channel; return its messages (text/buttons/custom)."""
        body = {"sender": sender_id, "message": text, "metadata": metadata}
        return list(await self._request("POST", sender_id, "/webhooks/rest/webhook", body))

    async def forget(self, sender_id: str) -> None:
        """Replace the conversation's events with none (`PUT /conversations/{id}/tracker/events` with `[]`).

        Rasa 3.6 has no endpoint to delete a conversation. Replacing its events
        empties it in tracker stores that overwrite what they keep (in-memory,
        Redis, Mongo, DynamoDB); the SQL tracker store only ever appends, so with
        it the rows must also be deleted in the database (what `/forget` does).
        """
        await self._request("PUT", sender_id, f"/conversations/{quote(sender_id, safe='')}/tracker/events", [])

    async def events(self, sender_id: str) -> list[dict[str, Any]]:
        """The stored events of a conversation (Rasa starts a session, so a new one has only that)."""
        state = await self._request(
            "GET", sender_id, f"/conversations/{quote(sender_id, safe='')}/tracker", None, {"include_events": "ALL"}
        )
        return list(state.get("events") or [])

    async def append_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to the conversation's tracker (`POST /conversations/{id}/tracker/events`)."""
        await self._request(
            "POST",
            sender_id,
            f"/conversations/{quote(sender_id, safe='')}/tracker/events",
            events,
            {"include_events": "NONE"},
        )

    async def close(self) -> None:
        """Close the HTTP connections."""
        if self._session is not None:
            await self._session.close()
