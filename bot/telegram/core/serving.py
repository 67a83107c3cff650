"""Serving: refuse to start without what Telegram needs, then long polling or the webhook until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

from telegram import Update
from telegram.ext import Application

from bot.settings import Settings, SettingsError
from bot.telegram.core.commands import register_commands
from bot.telegram.core.services import SERVICES_KEY, Services
from bot.telegram.core.webhook import check_webhook_settings, start_webhook

log = logging.getLogger(__name__)

MIN_SECRET_LENGTH = 16
BACKGROUND_KEY = "background"  # bot_data: functions of the Bot that make a task to run while serving
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def check_settings(settings: Settings) -> None:
    """Refuse to start Telegram without what it needs, saying which variable to set."""
    if not settings.telegram.token:
        raise SettingsError("TELEGRAM_BOT_TOKEN is empty: set it to the token from @BotFather.")
    if len(settings.storage.pseudonym_secret) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"PSEUDONYM_SECRET is empty or shorter than {MIN_SECRET_LENGTH} characters: set it "
            "to a long random string and keep it (see .env.example)."
        )
    check_webhook_settings(settings)


@contextlib.asynccontextmanager
async def running(app: Application, poll_timeout: int = 10) -> AsyncIterator[None]:
    """Start the application and long polling or the webhook (commands registered first); stop them after.

    poll_timeout is the long-polling wait in seconds (short in tests, for a quick stop).
    """
    services: Services = app.bot_data[SERVICES_KEY]
    async with app, services.storage:  # initialize / shutdown; the schema migrated, the daily purge running
        await register_commands(app.bot, services.assistant.store.current())
        await app.start()
        assert app.updater is not None
        if services.settings.telegram.webhook_url:
            await start_webhook(app.updater, services.settings, ALLOWED_UPDATES)
        else:
            await app.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
        tasks = [asyncio.create_task(start(app.bot)) for start in app.bot_data.get(BACKGROUND_KEY, ())]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await app.updater.stop()
            await app.stop()


async def run_until_stopped(app: Application) -> None:
    """Serve Telegram until SIGINT or SIGTERM."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines contain the bot token
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with running(app):
            log.warning("Telegram bot is running; press Ctrl-C to stop.")
            await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
