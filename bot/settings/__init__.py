"""All configuration, read from the environment into typed sections; only this package reads os.environ.

`Settings.from_env()` reads every section (the bot); the action server, the actions and the editors'
tools read only the section they need (`ContentSettings.from_env()`, `StorageSettings.from_env()`, ...).
"""

from bot.settings.defaults import REPO
from bot.settings.environment import environment, temporary_env
from bot.settings.sections import (
    AlertSettings,
    ContentSettings,
    HandoffSettings,
    RasaSettings,
    Settings,
    StorageSettings,
    TelegramSettings,
)
from bot.settings.values import SettingsError, bot_username

__all__ = [
    "REPO",
    "AlertSettings",
    "ContentSettings",
    "HandoffSettings",
    "RasaSettings",
    "Settings",
    "SettingsError",
    "StorageSettings",
    "TelegramSettings",
    "bot_username",
    "environment",
    "temporary_env",
]
