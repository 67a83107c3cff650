"""The complaint flow: three questions, one at a time, then a reference number and a complaint case.

When the assistant recognises `services.complaint` and staff are connected (STAFF_CHAT_ID), the person is
asked which service, where, and what happened (UI strings `complaint.*`, in their language), each with a
Cancel button. Their answers are kept in the database (`complaint_drafts`, migration 0005), never in the
process, so any replica can take the next one; the draft goes when the case opens, on Cancel, after
DRAFT_TTL without an answer, with `/forget` (the user row, ON DELETE CASCADE) and by retention.
Then a COMPLAINT case opens (bot/telegram/handoff/relay.py `escalate`), the answers go into its staff topic as a
stored case message, and the person gets the reference number: the case number (`#42`).
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.content.urgent import urgent_topic
from bot.handoff.drafts import DraftStore
from bot.handoff.lifecycle import Direction, Kind
from bot.replies import Button, Reply, menu_button
from bot.storage.db import safe
from bot.storage.models import utcnow
from bot.telegram.core.callback_data import COMPLAINT_CANCEL, FEEDBACK_PREFIX
from bot.telegram.core.render import send_reply
from bot.telegram.core.services import Services
from bot.telegram.handoff.relay import deliver, escalate
from bot.telegram.handoff.service import Handoff

TOPIC = "services.complaint"
QUESTIONS = ("complaint.ask.service", "complaint.ask.place", "complaint.ask.story")
FIELDS = ("service", "place", "story")  # the placeholders of complaint.staff.summary, in question order
DRAFT_TTL = timedelta(hours=1)  # an answer later than this is a new message, not an answer
MAX_ANSWER_CHARS = 1000


def _store(handoff: Handoff) -> DraftStore:
    return DraftStore(handoff.services.storage.db)


def _question(handoff: Handoff, lang: str, step: int, intro: bool = False) -> Reply:
    """Question number step (0-based), with the Cancel button; the flow's intro before the first."""
    content = handoff.services.assistant.store.current()
    text = content.text(lang, QUESTIONS[step])
    if intro:
        text = f"{content.text(lang, 'complaint.start')}\n\n{text}"
    return Reply([text], [Button(content.text(lang, "complaint.button.cancel"), COMPLAINT_CANCEL)])


async def start(handoff: Handoff, bot: Bot, chat_id: int, person: str, lang: str) -> None:
    """Begin a complaint: store an empty draft, ask the first question."""
    await _store(handoff).save(person, lang, [])
    await send_reply(bot, chat_id, _question(handoff, lang, 0, intro=True), handoff.services.payloads)


async def cancel(handoff: Handoff, bot: Bot, chat_id: int, person: str, lang: str) -> None:
    """Drop the draft and say nothing was sent."""
    await _store(handoff).delete(person)
    content = handoff.services.assistant.store.current()
    await send_reply(
        bot,
        chat_id,
        Reply([content.text(lang, "complaint.cancelled")], [menu_button(content, lang)]),
        handoff.services.payloads,
    )


async def drop(handoff: Handoff, person: str) -> None:
    """Leave the flow without a word (the person pressed another button or sent a command)."""
    await safe(_store(handoff).delete(person), False, "drop a complaint draft")


async def take_answer(handoff: Handoff, bot: Bot, chat_id: int, person: str, text: str) -> bool:
    """Take a typed message as the next answer if a complaint is being written; whether it was.

    After the last answer the case opens and the person gets the reference number.
    """
    store = _store(handoff)
    draft = await safe(store.get(person), None, "read a complaint draft")
    if draft is None:
        return False
    if utcnow() - draft.last_seen > DRAFT_TTL:
        await safe(store.delete(person), False, "delete an old complaint draft")
        return False
    answers = [*draft.answers, text.strip()[:MAX_ANSWER_CHARS]]
    if len(answers) < len(QUESTIONS):
        await store.save(person, draft.language, answers)
        await send_reply(bot, chat_id, _question(handoff, draft.language, len(answers)), handoff.services.payloads)
        return True
    await store.delete(person)
    await submit(handoff, bot, chat_id, person, draft.language, answers)
    return True


async def submit(handoff: Handoff, bot: Bot, chat_id: int, person: str, lang: str, answers: list[str]) -> None:
    """Open the complaint case, put the answers into its staff topic, give the person the reference."""
    case = await escalate(handoff, bot, chat_id, person, lang, Kind.COMPLAINT, TOPIC)
    if case is None:  # no staff topic could be made: the person was given the help lines
        return
    reference = f"#{case.id}"
    summary = handoff.staff_text(
        "complaint.staff.summary", reference=reference, **dict(zip(FIELDS, answers, strict=True))
    )
    await handoff.cases.add_message(case.id, Direction.USER, summary)  # stored first: a restart loses nothing
    await deliver(handoff, bot, case, Direction.USER)
    content = handoff.services.assistant.store.current()
    await send_reply(
        bot, chat_id, Reply([content.text(lang, "complaint.done", reference=reference)]), handoff.services.payloads
    )


async def from_person(handoff: Handoff, update: Update, person: str, lang: str, pressed: str | None, bot: Bot) -> bool:
    """A person with no open case: take their typed answer, or Cancel; any other button or command leaves.

    Whether the update was handled here. Someone in danger gets the numbers, not the next question.
    """
    message, query = update.message, update.callback_query
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    if query is not None and pressed == COMPLAINT_CANCEL:
        with contextlib.suppress(TelegramError):
            await query.answer()
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=None)
        await cancel(handoff, bot, chat_id, person, lang)
        return True
    text = message.text if message is not None else None
    if (query is not None and not (query.data or "").startswith(FEEDBACK_PREFIX)) or (text or "").startswith("/"):
        await drop(handoff, person)  # another button or a command ends a complaint being written
        return False
    if text is None or is_urgent(handoff.services, text):
        return False
    return await take_answer(handoff, bot, chat_id, person, text)


def is_urgent(svc: Services, text: str) -> bool:
    """Whether a typed message contains an urgent signal (checked again, with the intent, after the turn)."""
    return not text.lstrip().startswith("/") and urgent_topic(svc.assistant.store.current().urgent, text) is not None
