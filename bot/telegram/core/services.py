"""What every handler shares: the services, and who and in which language this update's chat is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from telegram import Update, User
from telegram.ext import Application, CallbackContext, ExtBot

from bot.assistant import Assistant
from bot.content.model import Content
from bot.privacy.pseudonym import pseudonym
from bot.replies import content_payloads
from bot.settings import Settings, defaults
from bot.storage.db import Database
from bot.telegram.core.callback_data import CallbackPayloads
from bot.telegram.core.chat_store import ChatMemory, TelegramStorage

if TYPE_CHECKING:
    from bot.telegram.core.redis_state import RedisOnce


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
        self.storage = TelegramStorage(
            Database(
                self.settings.storage.database_url,
                self.settings.storage.retention_days,
                self.settings.storage.question_retention_days,
                chat_key=self.settings.storage.pseudonym_secret,
            ),
            self.memory,
        )

    @property
    def region(self) -> str:
        """The region pack this deployment serves."""
        return self.assistant.region


SERVICES_KEY = "services"


def telegram_language(user: User | None, codes: list[str]) -> str | None:
    """The language of the person's Telegram app, if we speak it ("pt-br" counts as "pt")."""
    code = ((user.language_code if user else None) or "").split("-")[0].lower()
    return code if code in codes else None


def chat_id(update: Update) -> int:
    """The update's chat (every update the handlers get has one)."""
    assert update.effective_chat is not None
    return update.effective_chat.id


def person(svc: Services, update: Update) -> str:
    """The sender's pseudonym: their Rasa conversation id and their key in the database."""
    assert update.effective_user is not None  # every update the handlers get has a sender
    return pseudonym(svc.settings.storage.pseudonym_secret, update.effective_user.id)


def chat_language(svc: Services, update: Update) -> str:
    """The chat's language so far, else the Telegram app's language, else English."""
    codes = svc.assistant.store.current().language_codes
    known = svc.memory.languages.get(chat_id(update)) if update.effective_chat is not None else None
    return known or telegram_language(update.effective_user, codes) or defaults.LANGUAGE


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context every handler gets (`ContextTypes(context=BotContext)`): services, content, language, person."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.handled_update: Update | None = None

    @classmethod
    def from_update(cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]) -> BotContext:
        """The context of one update (PTB calls this for every update and error)."""
        context = cast(BotContext, super().from_update(update, application))
        context.handled_update = update if isinstance(update, Update) else None
        return context

    def _current(self) -> Update:
        assert self.handled_update is not None, "only a handler of an update has a chat and a sender"
        return self.handled_update

    @property
    def services(self) -> Services:
        """The application's services."""
        return self.bot_data[SERVICES_KEY]

    @property
    def content(self) -> Content:
        """The content as it is now (reloaded when editors change it)."""
        return self.services.assistant.store.current()

    @property
    def language(self) -> str:
        """The chat's language so far, else the Telegram app's language, else English."""
        return chat_language(self.services, self._current())

    @property
    def person(self) -> str:
        """The sender's pseudonym."""
        return person(self.services, self._current())

    @property
    def chat_id(self) -> int:
        """The update's chat."""
        return chat_id(self._current())
