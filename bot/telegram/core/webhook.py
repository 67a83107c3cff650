"""Webhook mode: Telegram POSTs each update to us, with a secret header proving it comes from Telegram.

PTB's webhook server (tornado) answers HTTP 403 and drops the update when the
`X-Telegram-Bot-Api-Secret-Token` header is missing or wrong; we only make sure a
secret is always set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from telegram.ext import Updater

from bot.settings import Settings, SettingsError

# Telegram accepts 1-256 characters A-Z a-z 0-9 _ -; we also want it long enough not to be guessed.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


def check_webhook_settings(settings: Settings) -> None:
    """Refuse a webhook without a usable URL or secret, saying which variable to fix."""
    if not settings.telegram.webhook_url:
        return
    url = urlsplit(settings.telegram.webhook_url)
    if url.scheme not in ("https", "http") or not url.netloc:
        raise SettingsError(
            f"TELEGRAM_WEBHOOK_URL={settings.telegram.webhook_url!r} is not a URL: set it to the "
            "public https:// address Telegram should POST updates to, or leave it empty to poll."
        )
    if not SECRET_PATTERN.match(settings.telegram.webhook_secret):
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL: set it to 16 to 256 "
            'characters, only letters, digits, _ and - (e.g. `python -c "import secrets; '
            'print(secrets.token_urlsafe(32))"`).'
        )


def url_path(webhook_url: str) -> str:
    """The path our server listens on: the path of the public URL (a proxy forwards it unchanged)."""
    return urlsplit(webhook_url).path.strip("/")


async def start_webhook(updater: Updater, settings: Settings, allowed_updates: Sequence[str]) -> None:
    """Start PTB's webhook server and tell Telegram (setWebhook) where to send updates, with the secret."""
    check_webhook_settings(settings)
    await updater.start_webhook(
        listen=settings.telegram.webhook_listen,
        port=settings.telegram.webhook_port,
        url_path=url_path(settings.telegram.webhook_url),
        webhook_url=settings.telegram.webhook_url,
        secret_token=settings.telegram.webhook_secret,
        allowed_updates=allowed_updates,
    )
