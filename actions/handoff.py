"""Talk to a person: for now, the region's hotline numbers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import conversation, send, send_meta
from bot.answers import Reply, contacts, menu_button


class ActionHumanHandoff(Action):
    """Give the region's help lines and the emergency number."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        conv = conversation(tracker)
        c, lang = conv.content, conv.lang
        messages = [contacts(c, conv.region, lang)]
        emergency = c.region(conv.region).emergency
        if emergency:
            messages.append(c.text(lang, "handoff.emergency", number=emergency))
        send(dispatcher, Reply(messages, [menu_button(c, lang)]))
        send_meta(dispatcher, conv)
        return [SlotSet("language", lang)]
