"""What every action needs: the content, the conversation's language and region, and how to reply."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.content.model import Content
from bot.content.store import ContentStore
from bot.replies import FALLBACK, Reply
from bot.settings import defaults
from bot.settings.sections import content_dir, region

DEFAULT_REGION = defaults.REGION


@lru_cache(maxsize=1)
def content_store() -> ContentStore:
    """The action server's content store (created on first use, never at import)."""
    return ContentStore(content_dir())


@dataclass
class Conversation:
    """The language, region and content one action works with."""

    content: Content
    lang: str
    region: str
    intent: str
    confidence: float
    ranking: list[dict[str, Any]]
    entities: dict[str, str]
    failures: int = 0  # messages not understood in a row, this one included (nlu_fallback / out_of_scope)


def conversation(tracker: Tracker) -> Conversation:
    """Read the language and region the front end chose for this message."""
    content = content_store().current()
    message = tracker.latest_message or {}
    metadata = message.get("metadata") or {}
    lang = metadata.get("language") or tracker.get_slot("language") or defaults.LANGUAGE
    if lang not in content.language_codes:
        lang = defaults.LANGUAGE
    pack = metadata.get("region") or region()
    intent = message.get("intent") or {}
    entities = {e.get("entity"): str(e.get("value")) for e in message.get("entities") or []}
    return Conversation(
        content,
        lang,
        pack,
        intent.get("name") or "",
        float(intent.get("confidence") or 0.0),
        list(message.get("intent_ranking") or []),
        entities,
        failures_in_a_row(tracker),
    )


NOT_UNDERSTOOD = (FALLBACK, "out_of_scope")


def failures_in_a_row(tracker: Tracker) -> int:
    """How many of the person's last messages in a row (this session) were not understood."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") != "user":
            continue
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") not in NOT_UNDERSTOOD:
            break
        count += 1
    return count


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Utter each message; buttons go under the last one."""
    for i, text in enumerate(reply.messages):
        last = i == len(reply.messages) - 1
        buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons] if last else []
        dispatcher.utter_message(text=text, buttons=buttons)


def send_meta(dispatcher: CollectingDispatcher, conv: Conversation, topic: str | None = None, **extra: Any) -> None:
    """Tell the front end what was answered (topic, confidence, language); never shown to people."""
    meta = {
        "topic": topic or conv.intent,
        "confidence": round(conv.confidence, 4),
        "language": conv.lang,
        "suggestions": [],
        **extra,
    }
    dispatcher.utter_message(json_message={"meta": meta})


@dataclass
class Outcome:
    """What an action answers, plus what the front end should know about it."""

    reply: Reply
    meta: dict[str, Any] = field(default_factory=dict)
    topic: str | None = None


class ContentAction(Action, ABC):
    """An action that composes one Reply from content in the conversation's language.

    Subclasses only say what to answer; sending, the meta message for the front
    end and remembering the language are done here once.
    """

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    @abstractmethod
    def compose(self, conv: Conversation) -> Outcome:
        """The reply for this conversation."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        conv = conversation(tracker)
        outcome = self.compose(conv)
        send(dispatcher, outcome.reply)
        send_meta(dispatcher, conv, topic=outcome.topic, **outcome.meta)
        return [SlotSet("language", conv.lang)]
