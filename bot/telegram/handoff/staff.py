"""The staff chat's side of the handoff.

Claim / Transfer / Close buttons, replies (text or media) in a case's forum topic, and the
staff commands (`staff_commands.py`: /queue, /note, /answer). Every action on a case passes one
check (`bot/handoff/access.py` `may_act`): a supervisor, the one who claimed it, or (unclaimed)
staff of its route; anyone else is refused, told why, and the attempt logged.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot, CallbackQuery, Update
from telegram.error import TelegramError

from bot.handoff.lifecycle import SUPERVISOR, Case, Direction, Event, InvalidTransition
from bot.handoff.roster import StaffMember
from bot.replies import Button, Reply
from bot.telegram.core.callback_data import CLAIM, ROUTE, STAFF_BUTTONS, TRANSFER
from bot.telegram.core.render import keyboard, send_reply
from bot.telegram.core.services import BotContext
from bot.telegram.handoff import private
from bot.telegram.handoff.card import mentions, refusal, route_label, topic_name
from bot.telegram.handoff.relay import case_buttons, close, relay, tell_position, to_topic
from bot.telegram.handoff.service import Handoff, command_of
from bot.telegram.handoff.staff_commands import STAFF_COMMANDS, run_command, say

log = logging.getLogger(__name__)


async def from_staff_chat(handoff: Handoff, update: Update, context: BotContext) -> None:
    """Buttons, commands and replies in a case's topic, from rostered staff; refuse and log anyone else."""
    assert update.effective_user is not None
    if update.callback_query is not None:
        await _pressed(handoff, update.callback_query, context.bot)
        return
    message = update.message
    if message is None:
        return
    staff = update.effective_user
    member = handoff.roster.member(staff.id)
    command = command_of(message.text)
    if command in STAFF_COMMANDS:
        if member is None:
            log.warning("Refused: Telegram user %s, not on the staff roster, sent %s", staff.id, command)
            await say(handoff, context.bot, message, handoff.staff_text("handoff.staff.refused"))
            return
        await run_command(handoff, context.bot, message, command or "", member)
        return
    if not message.is_topic_message or message.message_thread_id is None:
        return  # the general topic, service messages
    case = await handoff.cases.for_forum_topic(message.message_thread_id, handoff.stored_as(message.chat_id))
    if case is None or not case.open or command is not None:
        return  # closed cases, other commands
    why = refusal(handoff, member, case)
    if why is not None:
        log.warning("Refused: Telegram user %s, %s, wrote in the topic of case %s", staff.id, _who(member), case.id)
        await to_topic(handoff, context.bot, case, why)
        return
    await relay(handoff, context.bot, case, message, Direction.STAFF)


async def _pressed(handoff: Handoff, query: CallbackQuery, bot: Bot) -> None:
    """A press on a case's button: Claim, Transfer (then the new route), Close."""
    data = handoff.services.payloads.decode(query.data or "") or ""
    if not data.startswith(STAFF_BUTTONS):
        with contextlib.suppress(TelegramError):
            await query.answer()
        return
    staff = query.from_user
    member = handoff.roster.member(staff.id)
    if member is None:
        log.warning("Refused: Telegram user %s, not on the staff roster, pressed %s", staff.id, data)
        with contextlib.suppress(TelegramError):
            await query.answer(handoff.staff_text("handoff.staff.refused"), show_alert=True)
        return
    prefix = next(p for p in STAFF_BUTTONS if data.startswith(p))
    case_id, _, route = data[len(prefix) :].partition(":")
    case = await handoff.cases.get(int(case_id)) if case_id.isdigit() else None
    if case is not None and query.message is not None and query.message.chat.id != handoff.chat_of(case):
        case = None  # pressed in another staff group: a case is handled in its own group only
    why = refusal(handoff, member, case) if case is not None else None
    if why is not None:
        log.warning("Refused: Telegram user %s, %s, pressed %s", staff.id, _who(member), data)
        with contextlib.suppress(TelegramError):
            await query.answer(why, show_alert=True)
        return
    with contextlib.suppress(TelegramError):
        await query.answer()
    if case is None:
        return
    if prefix == CLAIM:
        await _claim(handoff, bot, case, staff.id, staff.full_name, query)
    elif prefix == TRANSFER:
        await _choose_route(handoff, bot, case)
    elif prefix == ROUTE:
        await _transfer(handoff, bot, case, route, staff.full_name, query)
    elif await close(handoff, bot, case, staff.full_name) is not None:
        await _drop_buttons(query)


def _who(member: StaffMember | None) -> str:
    return "not on the staff roster" if member is None else "not the one handling the case"


async def _drop_buttons(query: CallbackQuery) -> None:
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(reply_markup=None)


async def _claim(handoff: Handoff, bot: Bot, case: Case, staff_id: int, staff_name: str, query: CallbackQuery) -> None:
    """Claim the case for this staff member: the card keeps Transfer and Close; both sides are told."""
    try:
        case = await handoff.cases.apply(case.id, Event.CLAIM, staff_id)
    except InvalidTransition:
        return  # already claimed or closed
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(
            reply_markup=keyboard(case_buttons(handoff, case), handoff.services.payloads)
        )
    await to_topic(handoff, bot, case, handoff.staff_text("handoff.staff.claimed", staff=staff_name))
    await private.claimed(handoff, bot, case)  # the claimant's private chat, if they have one
    chat_id = await handoff.services.storage.db.chat_id_for(case.pseudonym)
    if chat_id is not None:
        content = handoff.services.assistant.store.current()
        await send_reply(
            bot, chat_id, Reply([content.text(case.language, "handoff.case.claimed")]), handoff.services.payloads
        )


async def _choose_route(handoff: Handoff, bot: Bot, case: Case) -> None:
    """Offer where to transfer an open case: every other language, or the supervisors."""
    if not case.open:
        return
    content = handoff.services.assistant.store.current()
    choices = [
        Button(f"{x.name} ({x.code})", f"{ROUTE}{case.id}:{x.code}") for x in content.languages if x.code != case.route
    ]
    if case.route != SUPERVISOR:
        choices.append(Button(handoff.staff_text("handoff.staff.supervisor"), f"{ROUTE}{case.id}:{SUPERVISOR}"))
    await to_topic(handoff, bot, case, handoff.staff_text("handoff.staff.transfer_to", case=case.id), choices)


async def _transfer(handoff: Handoff, bot: Bot, case: Case, route: str, staff_name: str, query: CallbackQuery) -> None:
    """Queue the case again for another language or the supervisors; mention who should take it; tell the person."""
    content = handoff.services.assistant.store.current()
    if route != SUPERVISOR and route not in content.language_codes:
        return
    try:
        case = await handoff.cases.apply(case.id, Event.TRANSFER, route=route)
    except InvalidTransition:
        return  # closed meanwhile
    await _drop_buttons(query)
    with contextlib.suppress(TelegramError):
        await bot.edit_forum_topic(
            handoff.chat_of(case),
            case.forum_topic_id,  # type: ignore[arg-type]
            name=topic_name(handoff, case),
        )
    note = handoff.staff_text("handoff.staff.transferred", target=route_label(handoff, route), staff=staff_name)
    await to_topic(handoff, bot, case, note, case_buttons(handoff, case), html_tail=mentions(handoff, case.route))
    await tell_position(handoff, bot, case, force=True, text=content.text(case.language, "handoff.case.transferred"))
