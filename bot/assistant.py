"""One message in, one reply out, in the person's language, never silent."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from bot.content.model import Content
from bot.content.store import ContentStore
from bot.content.urgent import urgent_topic
from bot.detection.detector import Detection, LanguageDetector, letters
from bot.rasa.client import RasaClient
from bot.replies import (
    FALLBACK,
    Button,
    Reply,
    contacts,
    content_payloads,
    emergency_text,
    forget_question,
    language_menu,
    menu_button,
)
from bot.settings import defaults

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = defaults.LANGUAGE
_LANGUAGE_PAYLOAD = re.compile(r"^/change_language\s*(\{.*\})\s*$")


@dataclass
class Turn:
    """The outcome of one message: what we answered and in which language."""

    text: str
    language: str
    topic: str
    confidence: float
    reply: Reply
    suggestions: list[str] = field(default_factory=list)
    forget: bool = False
    forget_asked: bool = False  # "delete my data" in words: the reply asks to confirm; nothing deleted yet
    urgent: str | None = None  # the topic of an urgent signal (content/urgent.yml): the reply is the numbers

    def as_json(self) -> dict[str, Any]:
        """The `ask --json` record."""
        return {
            "text": self.text,
            "language": self.language,
            "topic": self.topic,
            "confidence": round(self.confidence, 4),
            "suggestions": self.suggestions,
            "reply": self.reply.messages,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.reply.buttons],
            "urgent": self.urgent,
        }


def chosen_language(text: str, codes: list[str]) -> str | None:
    """The language a language-menu payload picks, if the text is one."""
    m = _LANGUAGE_PAYLOAD.match(text)
    if not m:
        return None
    try:
        code = json.loads(m.group(1)).get("language")
    except (ValueError, AttributeError):
        return None
    return code if code in codes else None


def pick_language(det: Detection, current: str | None) -> str:
    """Keep the conversation language unless the message is confidently in another one."""
    if current is None:
        return det.lang or DEFAULT_LANGUAGE
    if det.confident and det.lang != current:
        return det.lang  # type: ignore[return-value]
    return current


class Assistant:
    """Validates input, picks the language, asks Rasa, and turns its output into a Reply."""

    def __init__(
        self, store: ContentStore, client: RasaClient, detector: LanguageDetector, region: str, max_chars: int = 1000
    ):
        self.store = store
        self.client = client
        self.detector = detector
        self.region = region
        self.max_chars = max_chars
        self._payloads_of: tuple[Content, frozenset[str]] | None = None

    def _simple(self, text: str, lang: str, string_id: str, content: Content) -> Turn:
        reply = Reply([content.text(lang, string_id)], [menu_button(content, lang)])
        return Turn(text, lang, FALLBACK, 0.0, reply)

    def unavailable(self, text: str, lang: str) -> Turn:
        """The reply when Rasa or the actions are down: say so and give the numbers."""
        content = self.store.current()
        return Turn(text, lang, "unavailable", 0.0, Reply([contacts(content, self.region, lang, "error.unavailable")]))

    async def handle(self, conversation_id: str, text: str, current: str | None = None, trusted: bool = False) -> Turn:
        """Answer one message; current is the conversation language so far (None at first).

        Text starting with "/" reaches Rasa as an intent only if it is a payload our buttons make
        (content_payloads) or, with trusted, one the front end itself sends (e.g. the confirmed
        /forget_me). Anything else, typed or forged, is read as words: never a Rasa intent or entities.
        A request to delete everything deletes only when trusted; otherwise the reply asks to confirm.
        """
        content = self.store.current()
        codes = content.language_codes
        original = text
        text = text.strip()
        if text.startswith("/") and not trusted and text not in self._payloads(content):
            text = text.lstrip("/").strip()
        lang = current if current in codes else None
        if not text:
            return self._simple(original, lang or DEFAULT_LANGUAGE, "error.empty", content)
        notes: list[str] = []
        picked = chosen_language(text, codes)
        if picked:
            lang = picked
        elif not text.startswith("/"):
            if len(text) > self.max_chars:
                text = text[: self.max_chars]
                notes.append("error.too_long")
            if not letters(text):
                string_id = "error.digits_only" if any(c.isdigit() for c in text) else "error.no_text"
                return self._simple(original, lang or DEFAULT_LANGUAGE, string_id, content)
            det = self.detector.detect(text)
            if det.unsupported:
                names = ", ".join(x.name for x in content.languages)
                reply = language_menu(content, DEFAULT_LANGUAGE, "language.unsupported", languages=names)
                return Turn(original, DEFAULT_LANGUAGE, "change_language", det.confidence, reply)
            lang = pick_language(det, lang)
        lang = lang or DEFAULT_LANGUAGE
        metadata = {"language": lang, "region": self.region}
        try:
            messages = await self.client.send(conversation_id, text, metadata)
            if not messages:  # paused: a staff case closed but its "resume" was lost (Rasa was down then)
                await self.client.append_events(conversation_id, [{"event": "resume"}])
                messages = await self.client.send(conversation_id, text, metadata)
        except Exception:  # never silent: any failure of Rasa or the actions gets the fallback reply
            log.exception("Rasa failed for one message")
            return self._if_urgent(self.unavailable(original, lang), text, content)
        turn = self._turn(original, lang, messages, content)
        if turn is None:
            log.error("Rasa answered without our actions' output (action server down?)")
            return self._if_urgent(self.unavailable(original, lang), text, content)
        turn.reply.messages[:0] = [content.text(turn.language, n) for n in notes]
        if turn.forget and not trusted:  # words, not the confirmed payload: ask first, delete nothing
            turn.forget, turn.forget_asked = False, True
            turn.reply = forget_question(content, turn.language)
            return turn
        if turn.forget:
            await self.client.forget(conversation_id)
            return turn
        return self._if_urgent(turn, text, content)

    async def forgotten(self, conversation_id: str) -> bool:
        """Whether Rasa keeps nothing of the conversation, read back (some tracker stores ignore a replace)."""
        try:
            events = await self.client.events(conversation_id)
        except Exception:  # noqa: BLE001 - unknown is not "deleted"
            log.warning("Could not read back a forgotten conversation", exc_info=True)
            return False
        return not any(e.get("event") in ("user", "bot") for e in events)

    def _payloads(self, content: Content) -> frozenset[str]:
        if self._payloads_of is None or self._payloads_of[0] is not content:
            self._payloads_of = (content, frozenset(content_payloads(content)))
        return self._payloads_of[1]

    def _if_urgent(self, turn: Turn, text: str, content: Content) -> Turn:
        """Someone in danger now (an urgent signal, content/urgent.yml) gets the emergency numbers, not information.

        The case's topic is that of the signal that matched, the detected intent's own signals first: the
        signal is what the person wrote, the intent a guess ("my boss locked me in" is trafficking even
        when the model leans to violence).
        """
        if text.startswith("/"):  # buttons and commands are never urgent
            return turn
        signal = urgent_topic(content.urgent, text, prefer=turn.topic)
        if signal is None:
            return turn
        turn.urgent = signal
        turn.reply = Reply([emergency_text(content, self.region, turn.language)], [menu_button(content, turn.language)])
        return turn

    def _turn(self, text: str, lang: str, messages: list[dict[str, Any]], content: Content) -> Turn | None:
        reply = Reply()
        meta: dict[str, Any] | None = None
        for m in messages:
            custom = m.get("custom")
            if isinstance(custom, dict) and "meta" in custom:
                meta = custom["meta"]
                continue
            if m.get("text"):
                reply.messages.append(m["text"])
            for b in m.get("buttons") or []:
                reply.buttons.append(Button(b["title"], b["payload"]))
        if meta is None or not reply.messages:
            return None
        lang = meta.get("set_language") or meta.get("language") or lang
        return Turn(
            text,
            lang,
            meta.get("topic", ""),
            float(meta.get("confidence", 0.0)),
            reply,
            list(meta.get("suggestions") or []),
            bool(meta.get("forget")),
        )
