"""Talk to a person: the region's hotline numbers.

On Telegram with staff connected, the front end sees this turn's topic (`human_handoff`, in the meta
message) and opens a case instead of sending these numbers (bot/telegram/handoff/escalation.py).
"""

from __future__ import annotations

from actions.answers import with_runner_ups
from actions.context import ContentAction, Conversation, Outcome
from bot.replies import Reply, contacts, menu_button


class ActionHumanHandoff(ContentAction):
    """Give the region's help lines and the emergency number."""

    def name(self) -> str:
        return "action_human_handoff"

    def compose(self, conv: Conversation) -> Outcome:
        c, lang = conv.content, conv.lang
        messages = [contacts(c, conv.region, lang)]
        emergency = c.region(conv.region).emergency
        if emergency:
            messages.append(c.text(lang, "handoff.emergency", number=emergency))
        return with_runner_ups(conv, Outcome(Reply(messages, [menu_button(c, lang)])))
