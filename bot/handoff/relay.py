"""The Telegram side of the handoff: open a case, relay messages both ways, claim and close from the staff chat.

One handler, `intercept`, runs in its own group after `remember` and before the
assistant's handlers (bot/telegram/app.py). It stops the updates it handles
(ApplicationHandlerStop), so an open case's messages never reach the assistant:

- the person's `/human` or "talk to a person" button: open a case (forum topic + summary card);
- the person's typed text while their case is open: stored, then sent to the case's topic;
- the person's `/bot`: close the case, back to the assistant;
- anything in the staff chat: Claim / Close buttons and replies in a case's topic, rostered staff only.

Messages are stored before they are sent and marked delivered after; what could not be
sent is sent first next time (in order), so nothing is lost when the bot restarts.
Without STAFF_CHAT_ID (`Handoff.from_settings` gives None) nothing here runs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import Bot, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.answers import HUMAN_PAYLOAD, Button, Reply, hotline_lines, menu_button
from bot.assistant import DEFAULT_LANGUAGE
from bot.handoff.cases import Case, CaseStore, Direction, Event, InvalidTransition, Kind
from bot.handoff.roster import Roster, RosterError, load_roster
from bot.settings import Settings, SettingsError
from bot.storage.db import safe
from bot.storage.models import utcnow
from bot.telegram.handlers import telegram_language
from bot.telegram.identity import pseudonym
from bot.telegram.render import NO_PREVIEW, keyboard, send_reply, split_html
from bot.telegram.state import Services

log = logging.getLogger(__name__)

HANDOFF_KEY = "handoff"
HUMAN_COMMAND = "/human"
BOT_COMMAND = "/bot"
CLAIM = "hc:claim:"  # + case id: the staff card's buttons
CLOSE = "hc:close:"
RECENT_MESSAGES = 10  # on the summary card
RECENT_CHARS = 200  # each, at most
PERSON_ID_CHARS = 10  # of the pseudonym, shown to staff
WHEN_FORMAT = "%Y-%m-%d %H:%M"


@dataclass
class Handoff:
    """What the handoff needs: the staff chat, the roster, the cases, and the front end's services."""

    staff_chat_id: int
    roster: Roster
    cases: CaseStore
    services: Services
    staff_language: str = DEFAULT_LANGUAGE
    clock: Callable[[], datetime] = field(default=utcnow)  # tests set the time

    @classmethod
    def from_settings(cls, settings: Settings, services: Services) -> Handoff | None:
        """The handoff when STAFF_CHAT_ID is set (the roster read and checked now); else None."""
        if settings.staff_chat_id is None:
            return None
        if settings.staff_roster is None:
            raise SettingsError("STAFF_CHAT_ID is set but STAFF_ROSTER is empty: set it to the staff roster "
                                "file (see config/staff.example.yml), or unset STAFF_CHAT_ID.")
        try:
            roster = load_roster(settings.staff_roster)
        except RosterError as error:
            raise SettingsError(str(error)) from None
        return cls(settings.staff_chat_id, roster, CaseStore(services.storage.db), services,
                   settings.staff_language)

    def staff_text(self, string_id: str, **values: object) -> str:
        """A UI string in the staff chat's language."""
        return self.services.assistant.store.current().text(self.staff_language, string_id, **values)


def _command(text: str | None) -> str | None:
    """The command a message starts with, without @botname ("/bot@x_bot hi" → "/bot")."""
    if not text or not text.startswith("/"):
        return None
    return text.split()[0].split("@")[0].lower()


def _language(handoff: Handoff, update: Update) -> str:
    """The person's conversation language (as the front end knows it), else their app's, else English."""
    assert update.effective_chat is not None
    svc = handoff.services
    codes = svc.assistant.store.current().language_codes
    return (svc.memory.languages.get(update.effective_chat.id)
            or telegram_language(update.effective_user, codes) or DEFAULT_LANGUAGE)


async def intercept(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle the handoff's updates and stop them there; leave every other update to the assistant."""
    handoff: Handoff | None = context.bot_data.get(HANDOFF_KEY)
    chat, sender = update.effective_chat, update.effective_user
    if handoff is None or chat is None or sender is None:
        return
    if chat.id == handoff.staff_chat_id:
        try:
            await _from_staff_chat(handoff, update, context)
        except Exception:  # noqa: BLE001 - logged; the staff chat never reaches the assistant
            log.exception("Handling an update in the staff chat failed")
        raise ApplicationHandlerStop
    if chat.type != ChatType.PRIVATE:
        return
    try:
        handled = await _from_person(handoff, update, context)
    except Exception:  # noqa: BLE001 - the person still gets an answer: the help line numbers
        log.exception("The handoff failed for one update")
        lang = _language(handoff, update)
        with contextlib.suppress(TelegramError):
            await send_reply(context.bot, chat.id, handoff.services.assistant.unavailable("", lang).reply,
                             handoff.services.payloads)
        handled = True
    if handled:
        raise ApplicationHandlerStop


async def _from_person(handoff: Handoff, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Act on a private-chat update if it belongs to the handoff; whether it did."""
    assert update.effective_user is not None and update.effective_chat is not None
    svc = handoff.services
    person = pseudonym(svc.settings.pseudonym_secret, update.effective_user.id)
    message, query = update.message, update.callback_query
    if query is not None and svc.payloads.decode(query.data or "") == HUMAN_PAYLOAD:
        with contextlib.suppress(TelegramError):
            await query.answer()
        await escalate(handoff, context.bot, update.effective_chat.id, person, _language(handoff, update))
        return True
    command = _command(message.text if message else None)
    if command == HUMAN_COMMAND:
        await escalate(handoff, context.bot, update.effective_chat.id, person, _language(handoff, update))
        return True
    case = await safe(handoff.cases.open_for(person), None, "read the open case")  # down: the assistant answers
    if case is None or message is None or message.text is None:
        return False  # no case; or a button or a photo during a case: handled as usual
    if command == BOT_COMMAND:
        await close(handoff, context.bot, case, closed_by=None)
        return True
    await handoff.cases.add_message(case.id, Direction.USER, message.text)
    await deliver(handoff, context.bot, case, Direction.USER)
    return True


async def escalate(handoff: Handoff, bot: Bot, chat_id: int, person: str, lang: str) -> Case | None:
    """Open a case for the person (forum topic + summary card) and tell them what happens next."""
    svc = handoff.services
    content = svc.assistant.store.current()
    case = await handoff.cases.open(person, lang, svc.region, Kind.REQUEST)
    if case.forum_topic_id is None:
        try:
            topic = await bot.create_forum_topic(handoff.staff_chat_id, topic_name(case))
        except TelegramError:
            log.exception("Could not create the staff forum topic for case %s; giving the help lines", case.id)
            await handoff.cases.apply(case.id, Event.CLOSE)
            await send_reply(bot, chat_id, Reply([_hotlines(handoff, lang, "handoff.intro")],
                                                 [menu_button(content, lang)]), svc.payloads)
            return None
        await handoff.cases.set_forum_topic(case.id, topic.message_thread_id)
        case = await handoff.cases.get(case.id) or case
        on_duty = handoff.roster.on_duty(lang, handoff.clock())
        buttons = [Button(handoff.staff_text("handoff.staff.claim"), f"{CLAIM}{case.id}"),
                   Button(handoff.staff_text("handoff.staff.close"), f"{CLOSE}{case.id}")]
        await _to_topic(handoff, bot, case, await _card(handoff, case, len(on_duty)), buttons)
        await deliver(handoff, bot, case, Direction.USER)  # anything stored before the topic existed
    await send_reply(bot, chat_id, Reply([_waiting_text(handoff, lang)]), svc.payloads)
    return case


def topic_name(case: Case) -> str:
    """The forum topic's name: `#42 · ar · request` (case number, language, kind)."""
    return f"#{case.id} · {case.language} · {case.kind.value}"


def _waiting_text(handoff: Handoff, lang: str) -> str:
    """What the person is told: someone will answer, or when staff are available and the help lines."""
    now = handoff.clock()
    if handoff.roster.on_duty(lang, now):
        return handoff.services.assistant.store.current().text(lang, "handoff.case.opened")
    later = handoff.roster.next_on_duty(lang, now)
    if later is None:
        return _hotlines(handoff, lang, "handoff.case.queued_unknown")
    zone = handoff.roster.time_zone
    return _hotlines(handoff, lang, "handoff.case.queued", when=later.astimezone(zone).strftime(WHEN_FORMAT),
                     zone=str(zone))


def _hotlines(handoff: Handoff, lang: str, string_id: str, **values: object) -> str:
    """A UI string followed by the region's help lines."""
    content = handoff.services.assistant.store.current()
    return "\n".join([content.text(lang, string_id, **values),
                      *hotline_lines(content, handoff.services.region, lang)])


async def _card(handoff: Handoff, case: Case, on_duty: int) -> str:
    """The summary for staff: pseudonymous id (never a Telegram id or name), language, region, last messages."""
    lines = [handoff.staff_text("handoff.staff.card", case=case.id, kind=case.kind.value,
                                person=case.pseudonym[:PERSON_ID_CHARS], language=case.language,
                                region=case.region, on_duty=on_duty)]
    recent = await _recent_messages(handoff, case.pseudonym)
    if recent:
        lines += ["", handoff.staff_text("handoff.staff.recent"), *(f"› {t}" for t in recent)]
    return "\n".join(lines)


async def _recent_messages(handoff: Handoff, person: str) -> list[str]:
    """The person's last typed messages to the assistant (button payloads left out); [] if unavailable."""
    try:
        events: list[dict[str, Any]] = await handoff.services.assistant.client.events(person)
    except Exception:  # noqa: BLE001 - the card goes out without them
        log.warning("Could not read the conversation for a case summary", exc_info=True)
        return []
    texts = [str(e.get("text") or "") for e in events if e.get("event") == "user"]
    texts = [t[:RECENT_CHARS] for t in texts if t and not t.startswith("/")]
    return texts[-RECENT_MESSAGES:]


async def _to_topic(handoff: Handoff, bot: Bot, case: Case, text: str, buttons: list[Button] | None = None) -> None:
    """Send text (escaped, split if long) into the case's forum topic; buttons under the last piece."""
    pieces = split_html(text)
    markup = keyboard(buttons or [], handoff.services.payloads)
    for i, piece in enumerate(pieces):
        await bot.send_message(handoff.staff_chat_id, piece, message_thread_id=case.forum_topic_id,
                               parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                               reply_markup=markup if i == len(pieces) - 1 else None)


async def deliver(handoff: Handoff, bot: Bot, case: Case, direction: Direction) -> int:
    """Send the case's undelivered messages of one direction, oldest first; how many went out.

    A failure stops the round (logged): the rest stay stored and go first next time, in order.
    """
    if direction is Direction.USER and case.forum_topic_id is None:
        return 0
    chat_id = None
    if direction is Direction.STAFF:
        chat_id = await handoff.services.storage.db.chat_id_for(case.pseudonym)
        if chat_id is None:
            return 0
    sent = 0
    for message in await handoff.cases.undelivered(case.id, direction):
        try:
            if chat_id is None:
                await _to_topic(handoff, bot, case, message.text)
            else:
                await send_reply(bot, chat_id, Reply([message.text]), handoff.services.payloads)
        except TelegramError:
            log.exception("Could not relay a message of case %s; it stays queued", case.id)
            break
        await handoff.cases.delivered(message.id)
        sent += 1
    return sent


async def close(handoff: Handoff, bot: Bot, case: Case, closed_by: str | None) -> Case | None:
    """Close the case (by staff, named, or by the person when closed_by is None); tell both sides."""
    try:
        case = await handoff.cases.apply(case.id, Event.CLOSE)
    except InvalidTransition:
        return None
    note = (handoff.staff_text("handoff.staff.left") if closed_by is None
            else handoff.staff_text("handoff.staff.closed", staff=closed_by))
    with contextlib.suppress(TelegramError):
        await _to_topic(handoff, bot, case, note)
        await bot.close_forum_topic(handoff.staff_chat_id, case.forum_topic_id)  # type: ignore[arg-type]
    chat_id = await handoff.services.storage.db.chat_id_for(case.pseudonym)
    if chat_id is not None:
        content = handoff.services.assistant.store.current()
        await send_reply(bot, chat_id, Reply([content.text(case.language, "handoff.case.closed")],
                                             [menu_button(content, case.language)]), handoff.services.payloads)
    return case


async def _from_staff_chat(handoff: Handoff, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Claim / Close presses and replies in a case's topic, from rostered staff; refuse and log anyone else."""
    assert update.effective_user is not None
    staff = update.effective_user
    member = handoff.roster.member(staff.id)
    query, message = update.callback_query, update.message
    if query is not None:
        data = handoff.services.payloads.decode(query.data or "") or ""
        if not data.startswith((CLAIM, CLOSE)):
            with contextlib.suppress(TelegramError):
                await query.answer()
            return
        if member is None:
            log.warning("Refused: Telegram user %s, not on the staff roster, pressed %s", staff.id, data)
            with contextlib.suppress(TelegramError):
                await query.answer(handoff.staff_text("handoff.staff.refused"), show_alert=True)
            return
        with contextlib.suppress(TelegramError):
            await query.answer()
        case = await handoff.cases.get(int(data.rsplit(":", 1)[1]))
        if case is None:
            return
        if data.startswith(CLAIM):
            await _claim(handoff, context.bot, case, staff.id, staff.full_name, query)
        elif await close(handoff, context.bot, case, staff.full_name) is not None:
            with contextlib.suppress(TelegramError):
                await query.edit_message_reply_markup(reply_markup=None)
        return
    if message is None or message.text is None or not message.is_topic_message or message.message_thread_id is None:
        return  # the general topic, service messages, photos: not relayed
    case = await handoff.cases.for_forum_topic(message.message_thread_id)
    if case is None or not case.open or message.text.startswith("/"):
        return  # staff commands (/note, /answer, /queue) are not built yet
    if member is None:
        log.warning("Refused: Telegram user %s, not on the staff roster, wrote in the topic of case %s",
                    staff.id, case.id)
        await _to_topic(handoff, context.bot, case, handoff.staff_text("handoff.staff.refused"))
        return
    await handoff.cases.add_message(case.id, Direction.STAFF, message.text)
    await deliver(handoff, context.bot, case, Direction.STAFF)


async def _claim(handoff: Handoff, bot: Bot, case: Case, staff_id: int, staff_name: str, query: Any) -> None:
    """Claim the case for this staff member: the card keeps only Close; both sides are told."""
    try:
        case = await handoff.cases.apply(case.id, Event.CLAIM, staff_id)
    except InvalidTransition:
        return  # already claimed or closed
    close_only = keyboard([Button(handoff.staff_text("handoff.staff.close"), f"{CLOSE}{case.id}")],
                          handoff.services.payloads)
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(reply_markup=close_only)
    await _to_topic(handoff, bot, case, handoff.staff_text("handoff.staff.claimed", staff=staff_name))
    chat_id = await handoff.services.storage.db.chat_id_for(case.pseudonym)
    if chat_id is not None:
        content = handoff.services.assistant.store.current()
        await send_reply(bot, chat_id, Reply([content.text(case.language, "handoff.case.claimed")]),
                         handoff.services.payloads)
