"""A whitespace tokenizer that first folds the message into its matching form (bot.nlu.normalize)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.normalize import normalize


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NormalizingTokenizer(WhitespaceTokenizer):
    """Tokens of the normalised text: accents, apostrophes, Arabic letter forms and Zawgyi folded.

    Only the tokens change; the message's text, which Rasa stores and the actions see, stays as written.
    """

    @staticmethod
    def not_supported_languages() -> list[str] | None:
        """Every language: the model is multilingual (language: xx)."""
        return None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NormalizingTokenizer:
        """Create the tokenizer (it has nothing to train)."""
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Whitespace tokens of the normalised text of `attribute`."""
        if attribute != TEXT:
            return super().tokenize(message, attribute)
        folded = Message(data={TEXT: normalize(str(message.get(TEXT) or ""))})
        return super().tokenize(folded, TEXT)
