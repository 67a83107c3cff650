"""Check that every translation of an answer has the same phone numbers, URLs and amounts as English."""

from __future__ import annotations

from bot.content.facts import compare, facts_of
from bot.content.lines import LineFinder
from bot.content.model import SOURCE_LANGUAGE, Topic
from bot.content.yamlfile import Problem


def fact_problems(topic: Topic, lines: LineFinder) -> list[Problem]:
    """An error for each phone number, e-mail, URL or amount a translation lacks or adds."""
    en = topic.translations.get(SOURCE_LANGUAGE)
    if en is None:
        return []
    reference = facts_of([en.title, *en.messages])
    problems = []
    for lang, tr in topic.translations.items():
        if lang == SOURCE_LANGUAGE:
            continue
        keys = ("translations", lang, "messages")
        line = lines(topic.path, *keys)
        diff = compare(reference, facts_of([tr.title, *tr.messages]))
        for fact in diff.missing:
            problems.append(
                Problem(
                    topic.path,
                    ".".join(keys),
                    f"The {lang} translation lacks {fact.shown}, which the English text has.",
                    f"Write {fact.shown} in the {lang} text exactly as in English.",
                    line,
                )
            )
        for fact in diff.extra:
            problems.append(
                Problem(
                    topic.path,
                    ".".join(keys),
                    f"The {lang} translation has {fact.shown}, which the English text does not have.",
                    f"Compare with the English text: correct or remove {fact.shown} in {lang} "
                    "(or add it to every language if English lacks it).",
                    line,
                )
            )
    return problems
