"""Talk to Rasa: one interface, an in-process Agent behind it (HTTP to Rasa servers comes with Telegram)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Protocol

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


class AgentClient:
    """Rasa in this process: loads the trained model once."""

    def __init__(self, model_path: Path, action_url: str, timeout: float = 30.0):
        self.model_path = model_path
        self.action_url = action_url
        self.timeout = timeout
        self._agent: Any = None

    def load(self) -> None:
        """Load the model (slow: seconds). Call once at start-up."""
        from rasa.core.agent import Agent
        from rasa.utils.endpoints import EndpointConfig
        from rasa.utils.log_utils import configure_structlog

        # Rasa's debug events contain the person's text: never log below INFO.
        configure_structlog(max(logging.getLogger().getEffectiveLevel(), logging.INFO))
        self._agent = Agent.load(str(self.model_path), action_endpoint=EndpointConfig(url=self.action_url))

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """Run one message through NLU, policies and actions."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        if self._agent is None:
            self.load()
        channel = CollectingOutputChannel()
        message = UserMessage(text, channel, sender_id, metadata=metadata)
        try:
            await asyncio.wait_for(self._agent.handle_message(message), self.timeout)
        except asyncio.TimeoutError as exc:
            raise RasaUnavailable(f"Rasa did not answer within {self.timeout}s") from exc
        return list(channel.messages)

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
