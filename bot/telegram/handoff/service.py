"""The handoff service: the staff chat, its roster, the cases, and the strings of the staff chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from telegram.ext import CallbackContext

from bot.handoff.cases import CaseStore
from bot.handoff.inbox import StaffInbox
from bot.handoff.lifecycle import Case
from bot.handoff.roster import Roster, RosterError, load_roster
from bot.settings import Settings, SettingsError, defaults
from bot.settings.teams import check_languages
from bot.storage.models import utcnow
from bot.telegram.core.services import Services

HANDOFF_KEY = "handoff"
HUMAN_COMMAND = "/human"
BOT_COMMAND = "/bot"


@dataclass
class Handoff:
    """What the handoff needs: the staff chat, the roster, the cases, and the front end's services.

    staff_chat_id is the default staff group; teams the language teams' groups (STAFF_CHATS), by language.
    """

    staff_chat_id: int
    roster: Roster
    cases: CaseStore
    services: Services
    staff_language: str = defaults.LANGUAGE
    clock: Callable[[], datetime] = field(default=utcnow)  # tests set the time
    inbox: StaffInbox = field(init=False)  # staff private chats with the bot, on the cases' database
    topics_waiting: asyncio.Event = field(default_factory=asyncio.Event)  # set: something to post in a topic
    teams: Mapping[str, int] = field(default_factory=dict)

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
        check_languages(settings.handoff.teams, frozenset(services.assistant.store.current().language_codes))
        return cls(
            settings.handoff.chat_id,
            roster,
            CaseStore(services.storage.db),
            services,
            settings.handoff.language,
            teams=dict(settings.handoff.teams),
        )

    @property
    def groups(self) -> frozenset[int]:
        """Every staff supergroup: the default one and the language teams'."""
        return frozenset({self.staff_chat_id, *self.teams.values()})

    def group_for(self, lang: str) -> int:
        """The staff group where a case in this language opens: its team's, else the default one."""
        return self.teams.get(lang, self.staff_chat_id)

    def group_of(self, stored: int) -> int:
        """The chat id of a stored staff group (a case's `staff_group`; 0 is the default group)."""
        return stored or self.staff_chat_id

    def chat_of(self, case: Case) -> int:
        """The staff group where the case's topic is (it stays there, transferred or not)."""
        return self.group_of(case.staff_group)

    def stored_as(self, chat_id: int) -> tuple[int, ...]:
        """How a staff group's cases store it: its id, and 0 too for the default group (cases from before teams)."""
        return (chat_id, 0) if chat_id == self.staff_chat_id else (chat_id,)

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
