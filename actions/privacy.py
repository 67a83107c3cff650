"""What is stored, and deleting it on request."""

from __future__ import annotations

import os
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import conversation, send, send_meta
from bot.answers import Reply, menu_button

DEFAULT_RETENTION_DAYS = 90


class ActionPrivacy(Action):
    """Explain what is stored, for how long, and how to delete it."""

    def name(self) -> str:
        return "action_privacy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        conv = conversation(tracker)
        days = int(os.environ.get("RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
        send(dispatcher, Reply([conv.content.text(conv.lang, "privacy.text", days=days)],
                               [menu_button(conv.content, conv.lang)]))
        send_meta(dispatcher, conv)
        return [SlotSet("language", conv.lang)]


class ActionForgetMe(Action):
    """Ask the front end to delete this conversation's stored data, and confirm."""

    def name(self) -> str:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        conv = conversation(tracker)
        send(dispatcher, Reply([conv.content.text(conv.lang, "forget.done")]))
        # The front end owns storage: it deletes the tracker and the user's rows
        # when it sees forget=True, before it delivers the confirmation.
        send_meta(dispatcher, conv, forget=True)
        return []
