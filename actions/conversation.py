"""Small talk: greet, thanks, goodbye, yes/no, bot challenge, out of scope."""

from __future__ import annotations

from actions.answers import offer_person, with_runner_ups
from actions.context import ContentAction, Conversation, Outcome
from bot.replies import Reply, menu_button, person_button


class UiReplyAction(ContentAction):
    """Reply with one UI string and the menu and person buttons (and the likeliest topics, if unsure)."""

    string_id: str = ""

    def compose(self, conv: Conversation) -> Outcome:
        c, lang = conv.content, conv.lang
        reply = Reply([c.text(lang, self.string_id)], [menu_button(c, lang), person_button(c, lang)])
        return with_runner_ups(conv, Outcome(reply))


def _ui_action(action_name: str, string_id: str, doc: str) -> type[UiReplyAction]:
    """A UiReplyAction subclass answering with string_id (rasa-sdk registers subclasses)."""
    return type(
        f"Action_{action_name}",
        (UiReplyAction,),
        {
            "__doc__": doc,
            "string_id": string_id,
            "name": lambda self: action_name,
            "__module__": __name__,
        },
    )


ActionGreet = _ui_action("action_greet", "greeting", "Greet and say what the assistant does.")
ActionThanks = _ui_action("action_thanks", "thanks.reply", "Answer thanks.")
ActionGoodbye = _ui_action("action_goodbye", "goodbye.reply", "Say goodbye.")
ActionAffirm = _ui_action("action_affirm", "affirm.reply", "Answer a yes that follows nothing to confirm.")
ActionDeny = _ui_action("action_deny", "deny.reply", "Answer a no that follows nothing to confirm.")
ActionBotChallenge = _ui_action(
    "action_bot_challenge", "bot_challenge.reply", "Say plainly that this is an automatic assistant."
)


class ActionOutOfScope(UiReplyAction):
    """Say what the assistant covers; after two messages in a row not understood, offer a person."""

    string_id = "out_of_scope.reply"

    def name(self) -> str:
        return "action_out_of_scope"

    def compose(self, conv: Conversation) -> Outcome:
        return offer_person(conv) or super().compose(conv)
