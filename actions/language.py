"""Change the conversation language."""

from __future__ import annotations

from actions.context import ContentAction, Conversation, Outcome
from bot.replies import Reply, language_menu, menu_button


class ActionChangeLanguage(ContentAction):
    """Switch to the chosen language, or show the language menu."""

    def name(self) -> str:
        return "action_change_language"

    def compose(self, conv: Conversation) -> Outcome:
        chosen = conv.entities.get("language")
        if chosen in conv.content.language_codes:
            conv.lang = chosen
            return Outcome(
                Reply([conv.content.text(chosen, "language.set")], [menu_button(conv.content, chosen)]),
                {"set_language": chosen},
            )
        return Outcome(language_menu(conv.content, conv.lang))
