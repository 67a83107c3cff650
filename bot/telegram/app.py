"""The root of the Telegram front end: build the Application around a running Assistant, register the handlers.

Starting and stopping it (long polling or the webhook): bot/telegram/core/serving.py.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.assistant import Assistant
from bot.settings import Settings
from bot.telegram.core.flood_policy import FLOOD_KEY, STAFF_FLOOD_KEY, STAFF_MAX_MESSAGES, FloodGuard
from bot.telegram.core.pacing import ChatPacer, PacedRateLimiter
from bot.telegram.core.redis_state import SharedState
from bot.telegram.core.services import SERVICES_KEY, BotContext, Services
from bot.telegram.core.serving import BACKGROUND_KEY, check_settings
from bot.telegram.core.update_order import PerChatUpdateProcessor
from bot.telegram.features import alerts
from bot.telegram.features import chat as h
from bot.telegram.features.alert_delivery import AlertSender
from bot.telegram.features.feedback import PATTERN as FEEDBACK_PATTERN
from bot.telegram.features.feedback import on_feedback
from bot.telegram.features.flood_guard import guard
from bot.telegram.handoff import intercept as handoff_intercept
from bot.telegram.handoff.service import HANDOFF_KEY, Handoff
from bot.telegram.handoff.topic_queue import keep_posting
from bot.telegram.handoff.topics import keep_deleting

log = logging.getLogger(__name__)

RETRIES_AFTER_FLOOD_WAIT = 3  # Telegram's 429 RetryAfter: wait as told, then resend
# Connections to the Bot API. PTB's default pool of 256 lets ~one connection per busy chat pile up, and
# httpx checks every pooled connection on each request (~25% of the event loop at 20 msg/s). Telegram
# takes 30 messages a second from a bot: 32 connections carry that at up to a second per request; a
# request that finds all 32 busy waits for one (POOL_WAIT) instead of failing (docs/performance.md).
CONNECTIONS = 32
POOL_WAIT = 30.0
NOT_TEXT = (
    filters.VOICE
    | filters.AUDIO
    | filters.PHOTO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Sticker.ALL
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
    | filters.STORY
)


def register_handlers(app: Application) -> None:
    """Register every handler; order matters, the first matching handler wins."""
    only_new = filters.UpdateType.MESSAGE  # edited messages are not answered again
    # 0. Before everything (its own group): more than ~20 messages a minute → one "slow down", then ignored.
    app.add_handler(TypeHandler(Update, guard), group=-3)
    # 0b. Then (its own group): load the person's stored language and record their chat (database down: logged).
    app.add_handler(TypeHandler(Update, h.remember), group=-2)
    # 0c. Then (its own group): the handoff to staff, before NLU. /human, /bot, the messages of a person whose
    #     case is open, and everything in the staff chat stop here: they never reach the assistant.
    app.add_handler(TypeHandler(Update, handoff_intercept.intercept), group=-1)
    # 1. Outside private chats: say once that we only work in private, then stay quiet.
    app.add_handler(MessageHandler(~filters.ChatType.PRIVATE, h.not_private))
    # 2. Commands, before text: a command is text too.
    for name, callback in (
        ("start", h.start),
        ("language", h.choose_language),
        ("menu", h.menu),
        ("help", h.help_command),
        ("privacy", h.privacy),
        ("human", h.human),
        ("forget", h.forget),
        ("alerts", alerts.alerts_command),
        ("stop", alerts.stop_command),
    ):
        app.add_handler(CommandHandler(name, callback, filters=only_new))
    app.add_handler(MessageHandler(only_new & filters.COMMAND, h.help_command))  # unknown command
    # 3. Typed text goes to the assistant.
    app.add_handler(MessageHandler(only_new & filters.TEXT, h.on_text))
    # 4. Voice, photos, stickers, files, places, contacts: explain, never download.
    app.add_handler(MessageHandler(only_new & NOT_TEXT, h.on_not_text))
    # 5. Inline keyboard buttons.
    app.add_handler(CallbackQueryHandler(on_feedback, pattern=FEEDBACK_PATTERN))  # 👍 👎 under answers
    app.add_handler(CallbackQueryHandler(alerts.on_alert_button, pattern=alerts.PATTERN))  # alert toggles, 🔔
    app.add_handler(CallbackQueryHandler(h.on_button))
    app.add_error_handler(h.on_error)


def build_application(settings: Settings, assistant: Assistant, base_url: str | None = None) -> Application:
    """Build the Application for long polling; base_url (the Bot API server root) overrides the setting."""
    check_settings(settings)
    shared = SharedState.from_settings(settings)
    flood = shared.flood if shared else FloodGuard()
    staff_flood = FloodGuard(max_messages=STAFF_MAX_MESSAGES)  # per process
    staff_chats = tuple(settings.handoff.chats)  # the default staff group and the language teams'

    root = (base_url or settings.telegram.api_base_url).rstrip("/")
    app = (
        ApplicationBuilder()
        .token(settings.telegram.token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .connection_pool_size(CONNECTIONS)
        .pool_timeout(POOL_WAIT)
        .rate_limiter(
            PacedRateLimiter(ChatPacer(shared=shared.slots if shared else None), max_retries=RETRIES_AFTER_FLOOD_WAIT)
        )  # + 1 message/s per chat
        .concurrent_updates(PerChatUpdateProcessor(staff_chats))  # chats in parallel, each in order, backlogs capped
        .context_types(ContextTypes(context=BotContext))  # handlers get services, content, language, person
        .build()
    )
    app.bot_data[SERVICES_KEY] = Services(settings, assistant, once=shared.once if shared else None)
    app.bot_data[FLOOD_KEY], app.bot_data[STAFF_FLOOD_KEY] = flood, staff_flood
    handoff = app.bot_data[HANDOFF_KEY] = Handoff.from_settings(settings, app.bot_data[SERVICES_KEY])
    services = app.bot_data[SERVICES_KEY]
    background = [lambda bot: AlertSender(services, bot, settings.alerts).run()]  # the queue of alerts
    if handoff is not None:  # staff-chat topics of forgotten and expired cases, deleted while serving
        background.append(lambda bot: keep_deleting(handoff, bot))
        lease = shared.lease if shared else None  # replicas: one posts a case's messages at a time
        background.append(lambda bot: keep_posting(handoff, bot, lease))  # the person's messages into the topics
    app.bot_data[BACKGROUND_KEY] = background
    register_handlers(app)
    return app
