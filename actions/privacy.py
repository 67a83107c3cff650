"""What is stored, and deleting it on request."""

from __future__ import annotations

from actions.answers import with_runner_ups
from actions.context import ContentAction, Conversation, Outcome
from bot.replies import Reply, menu_button
from bot.settings import StorageSettings


class ActionPrivacy(ContentAction):
    """Explain what is stored, for how long, and how to delete it."""

    def name(self) -> str:
        return "action_privacy"

    def compose(self, conv: Conversation) -> Outcome:
        storage = StorageSettings.from_env()  # the bot passes its environment to the action server
        text = conv.content.text(
            conv.lang, "privacy.text", days=storage.retention_days, question_days=storage.question_retention_days
        )
        return with_runner_ups(conv, Outcome(Reply([text], [menu_button(conv.content, conv.lang)])))


class ActionForgetMe(ContentAction):
    """Ask the front end to delete this conversation's stored data, and confirm."""

    def name(self) -> str:
        return "action_forget_me"

    def compose(self, conv: Conversation) -> Outcome:
        # The front end owns storage: it deletes the tracker and the user's rows
        # when it sees forget=True, before it delivers the confirmation.
        return Outcome(Reply([conv.content.text(conv.lang, "forget.done")]), {"forget": True})
