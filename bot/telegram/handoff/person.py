"""The person's side of the handoff.

/human and the "talk to a person" button open a case; while it is open their typed messages go to
the case's topic (stored first), and /bot closes it.
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import TelegramError

from bot.privacy.pseudonym import pseudonym
from bot.replies import HUMAN_PAYLOAD
from bot.storage.db import safe
from bot.telegram.core.callback_data import FORGET_NO, FORGET_YES
from bot.telegram.core.services import BotContext, chat_language
from bot.telegram.handoff import complaint
from bot.telegram.handoff.private import copy_to_claimant, wants_copy
from bot.telegram.handoff.relay import button_during_case, close, escalate, from_person_message
from bot.telegram.handoff.service import BOT_COMMAND, HUMAN_COMMAND, Handoff, command_of
from bot.telegram.handoff.urgent import urgent_during_case

FORGET_COMMAND = "/forget"


def person_language(handoff: Handoff, update: Update) -> str:
    """The person's conversation language (as the front end knows it), else their app's, else English."""
    return chat_language(handoff.services, update)


async def from_person(handoff: Handoff, update: Update, context: BotContext) -> bool:
    """Act on a private-chat update if it belongs to the handoff; whether it did."""
    assert update.effective_user is not None and update.effective_chat is not None
    svc = handoff.services
    person = pseudonym(svc.settings.storage.pseudonym_secret, update.effective_user.id)
    message, query = update.message, update.callback_query
    pressed = svc.payloads.decode(query.data or "") if query is not None else None
    command = command_of(message.text if message else None)
    if pressed == HUMAN_PAYLOAD or command == HUMAN_COMMAND:
        if query is not None:
            with contextlib.suppress(TelegramError):
                await query.answer()
        await complaint.drop(handoff, person)  # a person now: a complaint being written is left
        await escalate(handoff, context.bot, update.effective_chat.id, person, person_language(handoff, update))
        return True
    case = await safe(handoff.cases.open_for(person), None, "read the open case")  # down: the assistant answers
    if case is None:  # a complaint being written takes the message; otherwise the assistant answers
        return await complaint.from_person(
            handoff, update, person, person_language(handoff, update), pressed, context.bot
        )
    if command == FORGET_COMMAND or pressed == FORGET_NO:
        return False  # /forget asks first, and "no" keeps everything, as outside a case
    if pressed == FORGET_YES:  # deleting everything ends the case first: staff are told, then all is deleted
        await close(handoff, context.bot, case, closed_by=None, tell_person=False)
        return False
    if message is None:
        return await button_during_case(handoff, context.bot, case, update)
    if command == BOT_COMMAND:
        await close(handoff, context.bot, case, closed_by=None)
        return True
    if message.text and not message.text.startswith("/"):  # someone in danger: the numbers first, the case urgent
        case = await urgent_during_case(handoff, context.bot, case, message.text)
    copy = await wants_copy(handoff, case)  # claimed: to the claimant's private chat too
    if not await from_person_message(handoff, context.bot, case, message, copy):  # text or media: to staff
        return False
    await copy_to_claimant(handoff, context.bot, case)
    return True
