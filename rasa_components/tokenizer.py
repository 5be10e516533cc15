"""A whitespace tokenizer that gives a blank message something to classify.

Rasa's ``RegexFeaturizer`` adds no features for a message without words, so the classifier gets
a shorter feature vector than it was trained on and fails ("X has 8304 features, expecting
8327"): an empty or whitespace-only message sent to the REST channel got no reply at all. Here
such a message is read as ``BLANK`` (the tracker keeps what was really sent), which the
classifier does not know and so sends to the fallback, and the conversation carries on.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_components import speedups

BLANK = "<blank>"

# Rasa imports this module whenever it trains or loads this project's model.
speedups.install()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BlankAwareWhitespaceTokenizer(WhitespaceTokenizer):
    """``WhitespaceTokenizer`` that reads a message with no characters but spaces as ``BLANK``."""

    def process(self, messages: list[Message]) -> list[Message]:
        """Mark blank messages, then tokenize as ``WhitespaceTokenizer`` does."""
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and not text.strip():
                message.set(TEXT, BLANK)
        return super().process(messages)
