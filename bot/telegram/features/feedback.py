"""Answer feedback and unanswered questions in Telegram: the 👍 👎 row, its presses, the questions kept.

After a topic answer, a row "👍 Helpful · 👎 Not helpful" goes under its last
message. A press stores (topic, language, region, helpful, day) — no user id
at all — and is answered with a short "thank you"; the row disappears.

Typed questions that ended in the fallback (nlu_fallback), in an answer with
low confidence, or in a 👎 are stored scrubbed (bot.privacy.scrub) with their language,
nearest topic and day, for `python -m bot content gaps`. The question behind a
👎 is read back from the person's Rasa conversation when the 👎 comes (nothing
waits in this process, so any replica can take the press).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.assistant import FALLBACK, Turn
from bot.content.model import Content
from bot.privacy.pseudonym import pseudonym
from bot.privacy.scrub import Scrubber
from bot.replies import Button
from bot.settings import defaults
from bot.storage.feedback import add_feedback, add_question
from bot.telegram.core.callback_data import FEEDBACK_PREFIX
from bot.telegram.core.services import BotContext, Services

log = logging.getLogger(__name__)

PATTERN = rf"^{FEEDBACK_PREFIX}"  # the CallbackQueryHandler pattern: feedback presses before other buttons
LOW_CONFIDENCE = 0.6  # a topic answer below this is kept as a possible gap (the NLU fallback is at 0.45)
FEEDBACK_KEY = "feedback"
_WORD = re.compile(r"[^\W\d_]{2,}")


def feedback_payload(helpful: bool, lang: str, topic: str) -> str:
    """The callback_data of a 👍 (helpful) or 👎 press on an answer."""
    return f"{FEEDBACK_PREFIX}{int(helpful)}:{lang}:{topic}"


def parse_payload(data: str) -> tuple[bool, str, str] | None:
    """(helpful, language, topic) from callback_data, or None if it is not ours."""
    parts = data.split(":", 3)
    if (
        len(parts) != 4
        or f"{parts[0]}:" != FEEDBACK_PREFIX
        or parts[1] not in ("0", "1")
        or not parts[2]
        or not parts[3]
    ):
        return None
    return parts[1] == "1", parts[2], parts[3]


def feedback_row(content: Content, lang: str, topic: str) -> list[Button]:
    """The 👍 👎 buttons under an answer."""
    return [
        Button(content.text(lang, "telegram.feedback.helpful"), feedback_payload(True, lang, topic)),
        Button(content.text(lang, "telegram.feedback.not_helpful"), feedback_payload(False, lang, topic)),
    ]


def content_vocabulary(content: Content) -> set[str]:
    """Words of the content (titles, messages, region names): places, offices and common words, not names."""
    words: set[str] = set()
    for by_id in content.topics.values():
        for topic in by_id.values():
            for tr in topic.translations.values():
                for text in (tr.title, *tr.messages):
                    words.update(w.lower() for w in _WORD.findall(text))
    for region in content.regions.values():
        for name in region.name.values():
            words.update(w.lower() for w in _WORD.findall(name))
    return words


@dataclass
class FeedbackState:
    """The scrubber, built for the current content (a cache: any replica builds the same)."""

    scrubber: Scrubber | None = None
    fingerprint: str = ""

    def scrubber_for(self, content: Content) -> Scrubber:
        """A scrubber that keeps the content's own words (rebuilt when the content changes)."""
        if self.scrubber is None or self.fingerprint != content.fingerprint:
            self.scrubber = Scrubber(known=content_vocabulary(content))
            self.fingerprint = content.fingerprint
        return self.scrubber


def _state(context: BotContext) -> FeedbackState:
    return context.bot_data.setdefault(FEEDBACK_KEY, FeedbackState())


async def _store_question(svc: Services, text: str, lang: str, nearest: str, reason: str) -> None:
    await svc.storage.attempt(
        add_question(svc.storage.db, text, lang, svc.region, nearest, reason), "store an unanswered question"
    )


async def _question_behind(svc: Services, user_id: int, topic: str) -> tuple[str, float] | None:
    """The typed question (and its confidence) the person's last answer on topic came from, read from Rasa.

    None if that answer came from a button or a command, or the conversation cannot be read.
    """
    try:
        events: list[dict[str, Any]] = await svc.assistant.client.events(
            pseudonym(svc.settings.storage.pseudonym_secret, user_id)
        )
    except Exception:  # noqa: BLE001 - the vote is stored without its question
        log.warning("Could not read the conversation behind a 👎", exc_info=True)
        return None
    for event in reversed(events):
        intent = ((event.get("parse_data") or {}).get("intent") or {}) if event.get("event") == "user" else {}
        if intent.get("name") == topic:
            text = str(event.get("text") or "").strip()
            return None if not text or text.startswith("/") else (text, float(intent.get("confidence") or 0.0))
    return None


async def record_turn(context: BotContext, text: str, turn: Turn) -> list[Button]:
    """Keep a typed question the assistant could not answer well; the 👍 👎 row for a topic answer (or none)."""
    svc = context.services
    content = svc.assistant.store.current()
    answered = turn.topic in content.topic_ids and not turn.forget
    typed = bool(text.strip()) and not text.startswith("/")
    if typed and (turn.topic == FALLBACK or answered):
        state = _state(context)
        scrubber = state.scrubber_for(content)
        clean = await asyncio.to_thread(scrubber.scrub, text.strip(), turn.language)
        if turn.topic == FALLBACK:
            nearest = turn.suggestions[0] if turn.suggestions else ""
            await _store_question(svc, clean, turn.language, nearest, "fallback")
        elif turn.confidence < LOW_CONFIDENCE:
            await _store_question(svc, clean, turn.language, turn.topic, "low_confidence")
    return feedback_row(content, turn.language, turn.topic) if answered else []


def _without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The message's keyboard without the 👍 👎 row."""
    if markup is None:
        return None
    rows = [
        [b for b in row if not str(b.callback_data or "").startswith(FEEDBACK_PREFIX)] for row in markup.inline_keyboard
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


async def on_feedback(update: Update, context: BotContext) -> None:
    """Store a 👍 or 👎 on an answer (and its question after a 👎), thank the person, remove the row."""
    query = update.callback_query
    assert query is not None
    parsed = parse_payload(query.data or "")
    svc = context.services
    content = svc.assistant.store.current()
    forged = parsed is not None and parsed[2] not in content.topic_ids  # only votes on answers the bot gave
    if parsed is None or forged or query.message is None or query.message.chat.type != ChatType.PRIVATE:
        with contextlib.suppress(TelegramError):
            await query.answer()
        return
    helpful, lang, topic = parsed
    lang = lang if lang in content.language_codes else defaults.LANGUAGE
    with contextlib.suppress(TelegramError):  # a query too old to answer is still counted
        await query.answer(content.text(lang, "telegram.feedback.thanks"))
    await svc.storage.attempt(add_feedback(svc.storage.db, topic, lang, svc.region, helpful), "store feedback")
    behind = None if helpful else await _question_behind(svc, query.from_user.id, topic)
    if behind is not None and behind[1] >= LOW_CONFIDENCE:  # a question is counted once
        scrubber = _state(context).scrubber_for(content)
        clean = await asyncio.to_thread(scrubber.scrub, behind[0], lang)
        await _store_question(svc, clean, lang, topic, "not_helpful")
    with contextlib.suppress(TelegramError):  # one vote per answer
        markup = query.message.reply_markup if isinstance(query.message, Message) else None
        await query.edit_message_reply_markup(reply_markup=_without_feedback(markup))
