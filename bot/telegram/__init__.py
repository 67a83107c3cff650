"""Telegram front end: python-telegram-bot 22 in front of the Assistant.

Usage (what `python -m bot run` does when TELEGRAM_BOT_TOKEN is set)::

    async with local_assistant(settings) as assistant:
        await run_until_stopped(build_application(settings, assistant))
"""

from bot.telegram.app import build_application, check_settings, run_until_stopped, running

__all__ = ["build_application", "check_settings", "running", "run_until_stopped"]
