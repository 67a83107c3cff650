"""The bot's commands, registered with Telegram in every language so its command menu is localised."""

from __future__ import annotations

from telegram import Bot, BotCommand

from bot.content.model import Content
from bot.settings import defaults

DEFAULT_LANGUAGE = defaults.LANGUAGE

# command -> UI string id of its description (ids spelled out so the meta-test finds them)
COMMANDS: dict[str, str] = {
    "start": "telegram.command.start",
    "menu": "telegram.command.menu",
    "language": "telegram.command.language",
    "help": "telegram.command.help",
    "privacy": "telegram.command.privacy",
    "human": "telegram.command.human",
    "alerts": "telegram.command.alerts",
    "stop": "telegram.command.stop",
    "forget": "telegram.command.forget",  # last: the one that deletes
}


def bot_commands(content: Content, lang: str) -> list[BotCommand]:
    """The command list with descriptions in lang."""
    return [BotCommand(name, content.text(lang, string_id)) for name, string_id in COMMANDS.items()]


async def register_commands(bot: Bot, content: Content) -> None:
    """Set the command menu for every language, and English for everyone else."""
    await bot.set_my_commands(bot_commands(content, DEFAULT_LANGUAGE))
    for code in content.language_codes:
        await bot.set_my_commands(bot_commands(content, code), language_code=code)
