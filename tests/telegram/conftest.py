"""Fixtures: a fake Bot API server, and the real Application (real assistant) polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.telegram import buttons, telegram_settings


@pytest.fixture
async def telegram(
    assistant: Any, bot_api: FakeBotApi, content_copy: Path, tmp_path: Path
) -> AsyncIterator[FakeBotApi]:
    """The real Application, answering through the real assistant, polling the fake Bot API."""
    from bot.telegram import build_application, running

    app = build_application(telegram_settings(content_copy, tmp_path), assistant, base_url=bot_api.url)
    async with running(app, poll_timeout=1):
        yield bot_api
    for call in bot_api.called("sendMessage"):  # what every message must respect
        assert call.params["parse_mode"] == "HTML"
        assert len(call.params["text"].encode("utf-16-le")) // 2 < 4096
        for b in buttons(call.params):
            assert len(b["callback_data"].encode("utf-8")) < 64, b
