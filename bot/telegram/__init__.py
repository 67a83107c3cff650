"""Telegram front end: python-telegram-bot 22 in front of the Assistant.

Layers, each importing only those below it (docs/design.md): `core/` (services, callback data,
render, chat store, flood policy, Redis state, pacing, update order, webhook) → `features/` (the
person's chat, feedback, flood guard) and `handoff/` (the handoff's Telegram side) → `app.py`
(build the application and register the handlers); `core/serving.py` runs it.

Usage (what `python -m bot run` does when TELEGRAM_BOT_TOKEN is set)::

    async with open_assistant(settings) as assistant:
        await run_until_stopped(build_application(settings, assistant))
"""

from bot.telegram.app import build_application
from bot.telegram.core.serving import check_settings, run_until_stopped, running

__all__ = ["build_application", "check_settings", "run_until_stopped", "running"]
