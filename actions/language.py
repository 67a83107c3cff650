"""Change the conversation language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import conversation, send, send_meta
from bot.answers import Reply, language_menu, menu_button


class ActionChangeLanguage(Action):
    """Switch to the chosen language, or show the language menu."""

    def name(self) -> str:
        return "action_change_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        conv = conversation(tracker)
        chosen = conv.entities.get("language")
        if chosen in conv.content.language_codes:
            conv.lang = chosen
            send(dispatcher, Reply([conv.content.text(chosen, "language.set")], [menu_button(conv.content, chosen)]))
            send_meta(dispatcher, conv, set_language=chosen)
            return [SlotSet("language", chosen)]
        send(dispatcher, language_menu(conv.content, conv.lang))
        send_meta(dispatcher, conv)
        return []
