"""Build rasa_sdk trackers for action tests, and run an action on one (no model, no server).

The tracker looks like the one Rasa sends the action server: the latest message carries the
front end's metadata (language, region), and the events end with that message's user event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

Ranking = Sequence[tuple[str, float]]


def user_event(intent: str, text: str = "message") -> dict[str, Any]:
    """A user event as Rasa records it, with the intent NLU gave the message."""
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 1.0}}}


def bot_event(text: str = "reply") -> dict[str, Any]:
    """A bot utterance event (what failures_in_a_row must skip over)."""
    return {"event": "bot", "text": text}


SESSION_STARTED: dict[str, Any] = {"event": "session_started"}


def tracker(
    text: str = "message",
    intent: str = "greet",
    confidence: float = 1.0,
    ranking: Ranking | None = None,
    language: str | None = "en",
    region: str | None = "es-barcelona",
    entities: Mapping[str, str] | None = None,
    events: Sequence[dict[str, Any]] = (),
    slots: Mapping[str, Any] | None = None,
) -> Tracker:
    """A tracker whose latest message is text, understood as intent; events come before it.

    language/region None: the front end sent no such metadata. The latest message's own user
    event is appended to events, as Rasa does.
    """
    metadata = {k: v for k, v in (("language", language), ("region", region)) if v is not None}
    ranked = ranking if ranking is not None else [(intent, confidence)]
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranked],
        "metadata": metadata,
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
    }
    latest = {**user_event(intent, text), "parse_data": message}
    return Tracker("someone", dict(slots or {}), message, [*events, latest], False, None, {}, "action_listen")


@dataclass
class Ran:
    """What one action did: the messages people see, the meta message, the events it returned."""

    shown: list[dict[str, Any]]
    meta: dict[str, Any]
    events: list[dict[str, Any]]

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.shown]

    @property
    def button_titles(self) -> list[str]:
        return [b["title"] for b in self.shown[-1].get("buttons") or []]

    @property
    def language_slot(self) -> Any:
        """The value of the one language SlotSet the action returned (a plain dict event, as Rasa expects)."""
        slots = [e for e in self.events if isinstance(e, dict) and e.get("event") == "slot"]
        assert [e.get("name") for e in slots] == ["language"], f"expected one language SlotSet, got {self.events}"
        return slots[0]["value"]


async def run(action: Action, on: Tracker) -> Ran:
    """Run action on the tracker with rasa_sdk's own dispatcher."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, on, {})
    shown = [m for m in dispatcher.messages if m.get("text")]
    metas = [m["custom"]["meta"] for m in dispatcher.messages if (m.get("custom") or {}).get("meta")]
    assert len(metas) == 1, f"expected one meta message, got {metas}"
    return Ran(shown, metas[0], list(events))
