"""What the handlers share: services, long callback payloads, and the per-update cache of chat state."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram.ext import ContextTypes

from bot.answers import content_payloads
from bot.assistant import Assistant
from bot.settings import Settings
from bot.storage.db import Database
from bot.telegram.storage import TelegramStorage

if TYPE_CHECKING:
    from bot.telegram.shared_state import RedisOnce

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
_SHORT_PREFIX = "#"


class CallbackPayloads:
    """Turn button payloads into callback_data under Telegram's 64-byte limit, and back.

    Short payloads are sent as they are; longer ones travel as a short id
    derived from the payload (a hash) and are looked up when the button is pressed.
    `known` gives every payload the content can make: a replica that did not issue
    a short id finds it among those, so no process needs to remember what it sent.
    """

    def __init__(self, known: Callable[[], Iterable[str]] | None = None) -> None:
        self._long: dict[str, str] = {}
        self._known = known

    def encode(self, payload: str) -> str:
        """The callback_data for a payload (always under 64 bytes)."""
        if not _too_long(payload):
            return payload
        key = _short_id(payload)
        self._long[key] = payload
        return key

    def decode(self, data: str) -> str | None:
        """The payload behind callback_data; None for a short id neither issued here nor made from the content."""
        if not data.startswith(_SHORT_PREFIX):
            return data
        if data not in self._long and self._known is not None:
            self._long.update((_short_id(p), p) for p in self._known() if _too_long(p))
        return self._long.get(data)


def _too_long(payload: str) -> bool:
    return len(payload.encode("utf-8")) >= MAX_CALLBACK_BYTES or payload.startswith(_SHORT_PREFIX)


def _short_id(payload: str) -> str:
    digest = hashlib.sha256(payload.encode("utf-8")).digest()
    return _SHORT_PREFIX + base64.urlsafe_b64encode(digest[:15]).decode("ascii")


@dataclass
class ChatMemory:
    """Per-chat state: the conversation language (a cache of the database) and groups told we work in private."""

    languages: dict[int, str] = field(default_factory=dict)
    told_private_only: set[int] = field(default_factory=set)

    def forget(self, chat_id: int) -> None:
        """Drop everything kept about one chat."""
        self.languages.pop(chat_id, None)


@dataclass
class Services:
    """Everything the handlers need, stored once in application.bot_data."""

    settings: Settings
    assistant: Assistant
    payloads: CallbackPayloads = field(init=False)
    memory: ChatMemory = field(default_factory=ChatMemory)
    once: RedisOnce | None = None  # with REDIS_URL: what is said once per chat, shared by replicas
    storage: TelegramStorage = field(init=False)

    def __post_init__(self) -> None:
        """Open (lazily: no connection yet) the database of DATABASE_URL; payloads known from the content."""
        self.payloads = CallbackPayloads(lambda: content_payloads(self.assistant.store.current()))
        self.storage = TelegramStorage(Database(self.settings.database_url, self.settings.retention_days,
                                                self.settings.question_retention_days),
                                       self.memory)

    @property
    def region(self) -> str:
        """The region pack this deployment serves."""
        return self.assistant.region


SERVICES_KEY = "services"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The Services object of the running application."""
    return context.bot_data[SERVICES_KEY]  # type: ignore[no-any-return]
