"""The flood guard: the first handler; asks a person sending too fast to slow down, then ignores them a while.

It runs in a handler group before all others, so a dropped update never reaches the assistant
(no NLU); an update over its chat's backlog cap was dropped before it queued
(bot/telegram/core/update_order.py) and only passes here to be stopped.
Button presses count too, and are still answered (Telegram shows a spinner until they are).
In the staff chat each member has a higher limit (STAFF_MAX_MESSAGES) and is told once when over it;
in other groups updates over the limit are ignored without a word.
The policy: bot/telegram/core/flood_policy.py.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.replies import Reply
from bot.telegram.core.flood_policy import FLOOD_KEY, STAFF_FLOOD_KEY, FloodGuard, Verdict
from bot.telegram.core.render import send_html, send_reply, split_html
from bot.telegram.core.services import BotContext
from bot.telegram.core.update_order import PerChatUpdateProcessor

log = logging.getLogger(__name__)


def _in_staff_chat(update: Update, context: BotContext) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.id in context.services.settings.handoff.chats


async def _verdict(update: Update, context: BotContext) -> Verdict:
    """DROP if the update was dropped before its chat's queue; else counted now, in the chat's order."""
    processor = context.application.update_processor
    if isinstance(processor, PerChatUpdateProcessor) and processor.dropped(update):
        return Verdict.DROP
    assert update.effective_user is not None
    flood: FloodGuard = context.bot_data[STAFF_FLOOD_KEY if _in_staff_chat(update, context) else FLOOD_KEY]
    return await flood.verdict(update.effective_user.id)


async def guard(update: Update, context: BotContext) -> None:
    """Let the update through, or ask once to slow down and stop it before the assistant sees it."""
    chat, person = update.effective_chat, update.effective_user
    if chat is None or person is None:
        return
    verdict = await _verdict(update, context)
    if verdict is Verdict.ANSWER:
        return
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    if verdict is Verdict.WARN:
        svc = context.services
        if chat.type == ChatType.PRIVATE:
            text = context.content.text(context.language, "telegram.slow_down")
            await send_reply(context.bot, chat.id, Reply([text]), svc.payloads)
        elif _in_staff_chat(update, context):  # said where they wrote; their next minute is ignored
            log.warning("Staff member %s sent too many updates; ignoring them for a while", person.id)
            text = context.content.text(svc.settings.handoff.language, "handoff.staff.slow_down")
            thread = update.effective_message.message_thread_id if update.effective_message else None
            await send_html(context.bot, chat.id, split_html(text), thread_id=thread)
    raise ApplicationHandlerStop
