"""Webhook mode: the real Application behind PTB's webhook server; the secret header is checked on every POST."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.rasa.action_server import free_port
from bot.settings import REPO, Settings, SettingsError
from bot.telegram.core.render import escape
from tests.helpers.fake_bot_api import FakeBotApi, user
from tests.helpers.telegram import SECRET, TOKEN, telegram_settings

pytestmark = pytest.mark.asyncio(loop_scope="session")

WEBHOOK_SECRET = "webhook-secret_0123456789"


@pytest.fixture
async def webhook(assistant: Any, bot_api: FakeBotApi, content_copy: Path, tmp_path: Path) -> AsyncIterator[str]:
    """The real Application in webhook mode on a free local port; yields the URL Telegram would POST to."""
    from bot.telegram import build_application, running

    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = telegram_settings(content_copy, tmp_path)
    settings = replace(
        settings, telegram=replace(settings.telegram, webhook_url=url, webhook_secret=WEBHOOK_SECRET, webhook_port=port)
    )
    app = build_application(settings, assistant, base_url=bot_api.url)
    async with running(app):
        yield url


async def _post(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with aiohttp.ClientSession() as session, session.post(url, json=update, headers=headers) as resp:
        return resp.status


async def test_webhook_answers_with_the_right_secret_and_drops_the_rest(
    webhook: str, bot_api: FakeBotApi, assistant: Any
):
    [set_webhook] = bot_api.called("setWebhook")
    assert set_webhook.params["url"] == webhook
    assert set_webhook.params["secret_token"] == WEBHOOK_SECRET
    assert not bot_api.called("getUpdates")
    person = user(4001, "es")
    since = bot_api.mark()
    assert await _post(webhook, bot_api.webhook_update(person, "/language"), "wrong-secret-0123456789") == 403
    assert await _post(webhook, bot_api.webhook_update(person, "/help"), None) == 403
    assert await _post(webhook, bot_api.webhook_update(person, "/menu"), WEBHOOK_SECRET) == 200
    replies = await bot_api.replies(4001, since)
    content = assistant.store.current()
    # Updates are handled in order: had the rejected ones got through, their answers would come first.
    assert [m["text"] for m in replies] == [escape(content.text("es", "menu.title"))]


def test_webhook_refuses_to_start_without_a_good_secret(content_copy: Path, tmp_path: Path):
    from bot.telegram import check_settings

    base = telegram_settings(content_copy, tmp_path)

    def with_secret(secret: str) -> Settings:
        return replace(
            base, telegram=replace(base.telegram, webhook_url="https://example.org/hook", webhook_secret=secret)
        )

    for secret in ("", "short", "has spaces in it, not allowed!"):
        with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
            check_settings(with_secret(secret))
    check_settings(with_secret(WEBHOOK_SECRET))


def test_run_refuses_a_webhook_without_a_secret(tmp_path: Path):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "PSEUDONYM_SECRET": SECRET,
        "VAR_DIR": str(tmp_path),
        "TELEGRAM_WEBHOOK_URL": "https://example.org/hook",
        "TELEGRAM_WEBHOOK_SECRET": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in result.stderr
