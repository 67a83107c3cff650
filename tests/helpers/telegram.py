"""What Telegram tests share: token, secret, settings for a bot, a person chatting through the fake Bot API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.settings import Settings
from tests.helpers.fake_bot_api import FakeBotApi, user

TOKEN = "123456:TEST-TOKEN"
SECRET = "test-pseudonym-secret"


def telegram_settings(content_dir: Path, var_dir: Path, **env: str) -> Settings:
    """Settings for the bot under test (database: an SQLite file in var_dir unless DATABASE_URL is given)."""
    return Settings.from_env(
        {
            "CONTENT_DIR": str(content_dir),
            "REGION": "es-barcelona",
            "VAR_DIR": str(var_dir),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "PSEUDONYM_SECRET": SECRET,
            **env,
        }
    )


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline buttons under a message, row by row."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b for row in rows for b in row]


class Person:
    """Someone writing to the bot in a private chat, through the fake Bot API."""

    def __init__(self, api: FakeBotApi, uid: int, language_code: str | None = "en"):
        self.api = api
        self.id = uid
        self.user = user(uid, language_code)

    async def say(self, text: str, count: int | None = None) -> list[dict[str, Any]]:
        """Send text; wait for the reply (count messages, or up to the one with buttons)."""
        since = self.api.mark()
        self.api.text(self.user, text)
        return await self.api.replies(self.id, since, count)

    async def send(self, count: int | None = None, **fields: Any) -> list[dict[str, Any]]:
        """Send a message of another kind (voice=..., photo=...); wait for the reply."""
        since = self.api.mark()
        self.api.message(self.user, **fields)
        return await self.api.replies(self.id, since, count)

    async def press(self, message: dict[str, Any], data: str, count: int | None = None) -> list[dict[str, Any]]:
        """Press the button with this callback_data under message; check it is answered; wait for the reply."""
        assert data in [b["callback_data"] for b in buttons(message)], (data, buttons(message))
        since = self.api.mark()
        query_id = self.api.press(self.user, message, data)
        replies = await self.api.replies(self.id, since, count)
        answered = [c.params["callback_query_id"] for c in self.api.called("answerCallbackQuery", since)]
        assert query_id in answered
        return replies
