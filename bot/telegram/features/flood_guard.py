"""The flood guard: the first handler; asks a person sending too fast to slow down, then ignores them a while.

It runs in a handler group before all others, so a dropped update never reaches the
assistant (no NLU). Button presses count too, and are still answered (Telegram shows a
spinner until they are). The policy: bot/telegram/core/flood_policy.py.
"""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.replies import Reply
from bot.telegram.core.flood_policy import FLOOD_KEY, FloodGuard, Verdict
from bot.telegram.core.render import send_reply
from bot.telegram.core.services import BotContext, chat_language


async def guard(update: Update, context: BotContext) -> None:
    """Let the update through, or ask once to slow down and stop it before the assistant sees it."""
    chat, person = update.effective_chat, update.effective_user
    if chat is None or person is None or chat.type != ChatType.PRIVATE:
        return
    flood: FloodGuard = context.bot_data[FLOOD_KEY]  # or RedisFloodGuard
    verdict = await flood.verdict(person.id)
    if verdict is Verdict.ANSWER:
        return
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    if verdict is Verdict.WARN:
        svc = context.services
        content = svc.assistant.store.current()
        lang = chat_language(svc, update)
        await send_reply(context.bot, chat.id, Reply([content.text(lang, "telegram.slow_down")]), svc.payloads)
    raise ApplicationHandlerStop
