"""Answer a content topic, suggest topics when unsure, show the menu."""

from __future__ import annotations

from actions.context import ContentAction, Conversation, Outcome
from bot.replies import (
    FALLBACK,
    Reply,
    menu_button,
    menu_reply,
    person_button,
    suggestions_reply,
    topic_buttons,
    topic_reply,
)

MAX_SUGGESTIONS = 3
MIN_SUGGESTION_CONFIDENCE = 0.05
OFFER_AFTER = 2  # messages not understood in a row before a person is offered
SURE = 0.8  # below this confidence an answer also offers the next likeliest topics (as topic buttons)


def runner_ups(conv: Conversation, limit: int = MAX_SUGGESTIONS - 1) -> list[str]:
    """The next likeliest topics after the one answered (at most `limit`), when the answer is not sure; else none."""
    if conv.confidence >= SURE:
        return []
    c = conv.content
    return [
        r["name"]
        for r in conv.ranking
        if r.get("name") in c.topic_ids
        and r["name"] != conv.intent
        and r.get("confidence", 0.0) >= MIN_SUGGESTION_CONFIDENCE
        and c.topic(conv.region, r["name"]) is not None
    ][:limit]


def with_runner_ups(conv: Conversation, outcome: Outcome) -> Outcome:
    """A conversational reply (greeting, privacy, help lines...) the model was not sure of also offers topics.

    Real questions were often taken for small talk or a request for the privacy notice, with the
    right topic next in line: its button comes first, as after an unsure answer.
    """
    also = runner_ups(conv, limit=MAX_SUGGESTIONS)
    if not also:
        return outcome
    buttons = topic_buttons(conv.content, conv.region, conv.lang, also)
    reply = Reply(outcome.reply.messages, [*buttons, *outcome.reply.buttons])
    return Outcome(reply, {**outcome.meta, "suggestions": also}, outcome.topic)


def offer_person(conv: Conversation) -> Outcome | None:
    """After OFFER_AFTER messages in a row not understood: offer a person (and the menu), else None."""
    if conv.failures < OFFER_AFTER:
        return None
    c, lang = conv.content, conv.lang
    reply = Reply([c.text(lang, "handoff.offer.after_fallbacks")], [person_button(c, lang), menu_button(c, lang)])
    return Outcome(reply, {"offer_person": True}, topic=conv.intent)


class ActionAnswerTopic(ContentAction):
    """Answer the topic the person asked about, from curated content."""

    def name(self) -> str:
        return "action_answer_topic"

    def compose(self, conv: Conversation) -> Outcome:
        also = runner_ups(conv)
        return Outcome(
            topic_reply(conv.content, conv.region, conv.lang, conv.intent, also=also),
            {"suggestions": also} if also else {},
        )


class ActionSuggestTopics(ContentAction):
    """Say we are not sure and offer the 2-3 most likely topics and a person."""

    def name(self) -> str:
        return "action_suggest_topics"

    def compose(self, conv: Conversation) -> Outcome:
        topics = set(conv.content.topic_ids)
        ranked = [r for r in conv.ranking if r.get("name") in topics]
        best = [r["name"] for r in ranked if r.get("confidence", 0) >= MIN_SUGGESTION_CONFIDENCE][:MAX_SUGGESTIONS]
        if len(best) < 2:
            best = [r["name"] for r in ranked[:2]]
        # Report the best real intent's confidence, not the fallback's threshold.
        conv.confidence = float(
            max((r.get("confidence", 0.0) for r in conv.ranking if r.get("name") != FALLBACK), default=0.0)
        )
        offer = offer_person(conv)
        if offer is not None:
            offer.meta["suggestions"] = best
            return offer
        return Outcome(
            suggestions_reply(conv.content, conv.region, conv.lang, best), {"suggestions": best}, topic=FALLBACK
        )


class ActionShowMenu(ContentAction):
    """Show the topic categories, or the topics of the chosen category."""

    def name(self) -> str:
        return "action_show_menu"

    def compose(self, conv: Conversation) -> Outcome:
        return Outcome(menu_reply(conv.content, conv.region, conv.lang, conv.entities.get("category")))
