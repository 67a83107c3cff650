"""The handoff's one Telegram handler.

`intercept` runs in its own group after `remember` and before the assistant's handlers
(bot/telegram/app.py). It stops the updates it handles (ApplicationHandlerStop), so an open
case's messages never reach the assistant:

- the person's `/human` or "talk to a person" button: open a case (forum topic + summary card);
- the person's typed text while their case is open: stored, then sent to the case's topic;
- the person's `/bot`: close the case, back to the assistant;
- the person's rating (1 to 5) after their case closed (rating.py);
- a rostered staff member's message in their private chat with the bot: remembered, and their answer
  to a case claimed there goes to its person (private.py);
- anything in the staff chat: Claim / Transfer / Close buttons, staff commands and replies in a case's
  topic, rostered staff only.

Without STAFF_CHAT_ID (`Handoff.from_settings` gives None) nothing here runs.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.telegram.core.render import send_reply
from bot.telegram.core.services import BotContext
from bot.telegram.handoff.person import from_person, person_language
from bot.telegram.handoff.private import from_staff
from bot.telegram.handoff.rating import rate, rating_of
from bot.telegram.handoff.service import HANDOFF_KEY, Handoff
from bot.telegram.handoff.staff import from_staff_chat

log = logging.getLogger(__name__)


async def intercept(update: Update, context: BotContext) -> None:
    """Handle the handoff's updates and stop them there; leave every other update to the assistant."""
    handoff: Handoff | None = context.bot_data.get(HANDOFF_KEY)
    chat, sender = update.effective_chat, update.effective_user
    if handoff is None or chat is None or sender is None:
        return
    if chat.id in handoff.groups:
        try:
            await from_staff_chat(handoff, update, context)
        except Exception:  # noqa: BLE001 - logged; the staff chat never reaches the assistant
            log.exception("Handling an update in the staff chat failed")
        raise ApplicationHandlerStop
    if chat.type != ChatType.PRIVATE:
        return
    try:
        rating = rating_of(handoff, update)
        if rating is not None:
            await rate(handoff, update, context, *rating)
            handled = True
        else:  # a staff member answering a case in private, else the person's side
            handled = await from_staff(handoff, update, context.bot) or await from_person(handoff, update, context)
    except Exception:  # noqa: BLE001 - the person still gets an answer: the help line numbers
        log.exception("The handoff failed for one update")
        lang = person_language(handoff, update)
        with contextlib.suppress(TelegramError):
            await send_reply(
                context.bot, chat.id, handoff.services.assistant.unavailable("", lang).reply, handoff.services.payloads
            )
        handled = True
    if handled:
        raise ApplicationHandlerStop
