"""Telegram front end: python-telegram-bot 22 in front of the Assistant.

Usage (what `python -m bot run` does when TELEGRAM_BOT_TOKEN is set)::

    async with local_assistant(settings) as assistant:
        await run_until_stopped(build_application(settings, assistant))

The names below are imported from `app.py` on first use, not with the package: `app.py` imports the
handoff (bot/handoff/), which imports this package's modules (render, state, handlers); importing
`app.py` here would make `import bot.handoff.relay` on its own a circular import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.telegram.app import build_application, check_settings, run_until_stopped, running

__all__ = ["build_application", "check_settings", "running", "run_until_stopped"]


def __getattr__(name: str) -> Any:
    """Import the application's entry points from app.py when first asked for."""
    if name in __all__:
        return getattr(importlib.import_module("bot.telegram.app"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
