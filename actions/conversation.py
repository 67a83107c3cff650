"""Small talk: greet, thanks, goodbye, yes/no, bot challenge, out of scope."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import conversation, send, send_meta
from bot.answers import Reply, menu_button, person_button


class UiReplyAction(Action, ABC):
    """Reply with one UI string and the menu and person buttons."""

    string_id: str = ""

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        conv = conversation(tracker)
        c, lang = conv.content, conv.lang
        send(dispatcher, Reply([c.text(lang, self.string_id)], [menu_button(c, lang), person_button(c, lang)]))
        send_meta(dispatcher, conv)
        return [SlotSet("language", lang)]


class ActionGreet(UiReplyAction):
    """Greet and say what the assistant does."""

    string_id = "greeting"

    def name(self) -> str:
        return "action_greet"


class ActionThanks(UiReplyAction):
    """Answer thanks."""

    string_id = "thanks.reply"

    def name(self) -> str:
        return "action_thanks"


class ActionGoodbye(UiReplyAction):
    """Say goodbye."""

    string_id = "goodbye.reply"

    def name(self) -> str:
        return "action_goodbye"


class ActionAffirm(UiReplyAction):
    """Answer a yes that follows nothing to confirm."""

    string_id = "affirm.reply"

    def name(self) -> str:
        return "action_affirm"


class ActionDeny(UiReplyAction):
    """Answer a no that follows nothing to confirm."""

    string_id = "deny.reply"

    def name(self) -> str:
        return "action_deny"


class ActionBotChallenge(UiReplyAction):
    """Say plainly that this is an automatic assistant."""

    string_id = "bot_challenge.reply"

    def name(self) -> str:
        return "action_bot_challenge"


class ActionOutOfScope(UiReplyAction):
    """Say what the assistant covers."""

    string_id = "out_of_scope.reply"

    def name(self) -> str:
        return "action_out_of_scope"
