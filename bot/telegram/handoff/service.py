"""The handoff service: the staff chat, its roster, the cases, and the strings of the staff chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from telegram.ext import CallbackContext

from bot.handoff.cases import CaseStore
from bot.handoff.inbox import StaffInbox
from bot.handoff.roster import Roster, RosterError, load_roster
from bot.settings import Settings, SettingsError, defaults
from bot.storage.models import utcnow
from bot.telegram.core.services import Services

HANDOFF_KEY = "handoff"
HUMAN_COMMAND = "/human"
BOT_COMMAND = "/bot"


@dataclass
class Handoff:
    """What the handoff needs: the staff chat, the roster, the cases, and the front end's services."""

    staff_chat_id: int
    roster: Roster
    cases: CaseStore
    services: Services
    staff_language: str = defaults.LANGUAGE
    clock: Callable[[], datetime] = field(default=utcnow)  # tests set the time
    inbox: StaffInbox = field(init=False)  # staff private chats with the bot, on the cases' database
    topics_waiting: asyncio.Event = field(default_factory=asyncio.Event)  # set: something to post in a topic

    def __post_init__(self) -> None:
        """The staff inbox lives in the cases' database."""
        self.inbox = StaffInbox(self.cases.db)

    @classmethod
    def from_settings(cls, settings: Settings, services: Services) -> Handoff | None:
        """The handoff when STAFF_CHAT_ID is set (the roster read and checked now); else None."""
        if settings.handoff.chat_id is None:
            return None
        if settings.handoff.roster is None:
            raise SettingsError(
                "STAFF_CHAT_ID is set but STAFF_ROSTER is empty: set it to the staff roster "
                "file (see config/staff.example.yml), or unset STAFF_CHAT_ID."
            )
        try:
            roster = load_roster(settings.handoff.roster)
        except RosterError as error:
            raise SettingsError(str(error)) from None
        return cls(
            settings.handoff.chat_id, roster, CaseStore(services.storage.db), services, settings.handoff.language
        )

    def staff_text(self, string_id: str, **values: object) -> str:
        """A UI string in the staff chat's language."""
        return self.services.assistant.store.current().text(self.staff_language, string_id, **values)


def command_of(text: str | None) -> str | None:
    """The command a message starts with, without @botname ("/bot@x_bot hi" → "/bot")."""
    if not text or not text.startswith("/"):
        return None
    return text.split()[0].split("@")[0].lower()


def handoff_of(context: CallbackContext) -> Handoff | None:
    """The application's handoff to staff, or None without STAFF_CHAT_ID."""
    return context.bot_data.get(HANDOFF_KEY)
