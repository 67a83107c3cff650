"""Never silent on Telegram: Rasa down, or a Telegram error while answering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.assistant import Assistant
from bot.replies import contacts
from bot.telegram.core.render import escape
from tests.helpers.telegram import Person, telegram_settings

pytestmark = pytest.mark.asyncio(loop_scope="session")


class RasaDown:
    """A Rasa client whose server is unreachable."""

    async def send(self, sender_id: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        raise ConnectionError("Rasa is down")

    async def forget(self, sender_id: str) -> None:
        raise ConnectionError("Rasa is down")

    async def events(self, sender_id: str) -> list[dict[str, Any]]:
        return []


async def test_rasa_down_gets_unavailable_with_hotlines(assistant, bot_api, content_copy: Path, tmp_path: Path):
    from bot.telegram import build_application, running

    broken = Assistant(assistant.store, RasaDown(), assistant.detector, assistant.region)
    app = build_application(telegram_settings(content_copy, tmp_path), broken, base_url=bot_api.url)
    content = assistant.store.current()
    async with running(app, poll_timeout=1):
        [reply] = await Person(bot_api, 3001, "th").say("/menu", count=1)
    assert reply["text"] == escape(contacts(content, "es-barcelona", "th", "error.unavailable"))
    assert "112" in reply["text"]


async def test_a_telegram_error_while_answering_still_gets_a_reply(telegram, assistant):
    content = assistant.store.current()
    telegram.fail_next("sendMessage", {"error_code": 400, "description": "Bad Request: something went wrong"})
    [reply] = await Person(telegram, 3002, "es").say("/language", count=1)
    assert reply["text"] == escape(contacts(content, "es-barcelona", "es", "error.unavailable"))


async def test_rasa_slower_than_the_timeout_gets_unavailable_with_hotlines(
    assistant, bot_api, content_copy: Path, tmp_path: Path, model_path: Path
):
    from bot.rasa.client import AgentClient
    from bot.telegram import build_application, running

    slow = AgentClient(model_path, assistant.client.action_url, timeout=0.001)  # no model answers that fast
    slow._agent = assistant.client._agent  # the loaded model, not loaded twice
    impatient = Assistant(assistant.store, slow, assistant.detector, assistant.region)
    app = build_application(telegram_settings(content_copy, tmp_path), impatient, base_url=bot_api.url)
    content = assistant.store.current()
    async with running(app, poll_timeout=1):
        [reply] = await Person(bot_api, 3003, "ar").say("أحتاج إلى طبيب", count=1)
    assert reply["text"] == escape(contacts(content, "es-barcelona", "ar", "error.unavailable"))
