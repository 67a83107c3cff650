"""Answer a content topic, suggest topics when unsure, show the menu."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import conversation, send, send_meta
from bot.answers import menu_reply, suggestions_reply, topic_reply

FALLBACK = "nlu_fallback"
MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05


class ActionAnswerTopic(Action):
    """Answer the topic the person asked about, from curated content."""

    def name(self) -> str:
        return "action_answer_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        conv = conversation(tracker)
        send(dispatcher, topic_reply(conv.content, conv.region, conv.lang, conv.intent))
        send_meta(dispatcher, conv)
        return [SlotSet("language", conv.lang)]


class ActionSuggestTopics(Action):
    """Say we are not sure and offer the 2-3 most likely topics and a person."""

    def name(self) -> str:
        return "action_suggest_topics"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        conv = conversation(tracker)
        topics = set(conv.content.topic_ids)
        ranked = [r for r in conv.ranking if r.get("name") in topics]
        best = [r["name"] for r in ranked if r.get("confidence", 0) >= MIN_SUGGESTION_CONFIDENCE][:MAX_SUGGESTIONS]
        if len(best) < 2:
            best = [r["name"] for r in ranked[:2]]
        send(dispatcher, suggestions_reply(conv.content, conv.region, conv.lang, best))
        top = max((r.get("confidence", 0.0) for r in conv.ranking if r.get("name") != FALLBACK), default=0.0)
        conv.confidence = float(top)
        send_meta(dispatcher, conv, topic=FALLBACK, suggestions=best)
        return [SlotSet("language", conv.lang)]


class ActionShowMenu(Action):
    """Show the topic categories, or the topics of the chosen category."""

    def name(self) -> str:
        return "action_show_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        conv = conversation(tracker)
        send(dispatcher, menu_reply(conv.content, conv.region, conv.lang, conv.entities.get("category")))
        send_meta(dispatcher, conv)
        return [SlotSet("language", conv.lang)]
