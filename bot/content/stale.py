"""Stale translations: the English text changed after the translation was made.

A translation may record ``source_hash:``, the fingerprint of the English
messages it was translated from (bot.content.model.source_hash). When the
English text changes, the fingerprint no longer matches and the translation is
flagged "stale" until a translator updates it and runs ``content stamp``.
"""

from __future__ import annotations

from bot.content.lines import LineFinder
from bot.content.model import SOURCE_LANGUAGE, Topic, source_hash
from bot.content.yamlfile import Problem


def is_stale(topic: Topic, lang: str) -> bool:
    """True when lang's translation recorded a source_hash that no longer matches the English text."""
    tr, en = topic.translations.get(lang), topic.translations.get(SOURCE_LANGUAGE)
    if lang == SOURCE_LANGUAGE or tr is None or en is None or not tr.source_hash:
        return False
    return tr.source_hash != source_hash(en.messages)


def stale_problems(topic: Topic, lines: LineFinder) -> list[Problem]:
    """A warning for each translation of the topic that is stale."""
    problems = []
    for lang in topic.translations:
        if is_stale(topic, lang):
            keys = ("translations", lang, "source_hash")
            problems.append(
                Problem(
                    topic.path,
                    ".".join(keys),
                    f"Stale: the English text changed after the {lang} translation was made.",
                    f"Update the {lang} messages to match the English ones, then run: "
                    f"python -m bot content stamp --lang {lang} --topic {topic.id}",
                    lines(topic.path, *keys),
                    "warning",
                )
            )
    return problems
