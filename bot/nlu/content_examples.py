"""Training examples from the curated answers: every topic's titles and sentences, in every language.

Real people's questions use the words of the answers they need ("pink card", "padró", "ໃບອະນຸຍາດ")
more than the words of our example questions, and the answers exist in every language, reviewed or
machine-translated, where the examples of Khmer and Lao are few. Measured on the real-question set
(docs/nlu-model.md): topic accuracy +8 points pooled, Khmer and Lao +20. The examples are made at
training time from the content of that moment (a text change retrains the model at the next
`python -m bot train`); nothing is written into nlu_data/.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.content.model import Content

MIN_CHARS = 16  # shorter pieces ("Call 1694.") say little about the topic
_SENTENCE_END = re.compile(r"(?<=[.!?。។။])\s+")
_MARKUP = re.compile(r"[\[\]{}]")  # Rasa reads [text](entity) and {"entity": …} inside examples


def content_examples(content: Content) -> dict[str, list[str]]:
    """Topic id -> its titles and answer sentences in every language and region (sorted, no repeats)."""
    found: dict[str, set[str]] = {}
    for topics in content.topics.values():
        for topic_id, topic in topics.items():
            texts = found.setdefault(topic_id, set())
            for tr in topic.translations.values():
                texts.add(_clean(tr.title))
                sentences = (_clean(p) for m in tr.messages for p in _SENTENCE_END.split(m))
                texts.update(s for s in sentences if len(s) >= MIN_CHARS)
            texts.discard("")
    return {topic_id: sorted(texts) for topic_id, texts in sorted(found.items()) if texts}


def _clean(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", text).split())


def write_examples(examples: dict[str, list[str]], path: Path) -> Path:
    """Write the examples as a Rasa NLU file (for `rasa train`)."""
    blocks = [{"intent": t, "examples": "".join(f"- {x}\n" for x in texts)} for t, texts in examples.items()]
    path.write_text(
        yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False, width=10_000),
        encoding="utf-8",
    )
    return path
