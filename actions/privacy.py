"""What is stored, and deleting it on request."""

from __future__ import annotations

import os

from actions.context import ContentAction, Conversation, Outcome
from bot.answers import Reply, menu_button

DEFAULT_RETENTION_DAYS = 90
DEFAULT_QUESTION_RETENTION_DAYS = 30


class ActionPrivacy(ContentAction):
    """Explain what is stored, for how long, and how to delete it."""

    def name(self) -> str:
        return "action_privacy"

    def compose(self, conv: Conversation) -> Outcome:
        days = int(os.environ.get("RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
        question_days = int(os.environ.get("QUESTION_RETENTION_DAYS", DEFAULT_QUESTION_RETENTION_DAYS))
        return Outcome(Reply([conv.content.text(conv.lang, "privacy.text", days=days, question_days=question_days)],
                             [menu_button(conv.content, conv.lang)]))


class ActionForgetMe(ContentAction):
    """Ask the front end to delete this conversation's stored data, and confirm."""

    def name(self) -> str:
        return "action_forget_me"

    def compose(self, conv: Conversation) -> Outcome:
        # The front end owns storage: it deletes the tracker and the user's rows
        # when it sees forget=True, before it delivers the confirmation.
        return Outcome(Reply([conv.content.text(conv.lang, "forget.done")]), {"forget": True})
