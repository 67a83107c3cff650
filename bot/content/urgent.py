"""Urgent signals: the editors' keyword rules (content/urgent.yml) that mark a message from someone in danger now.

An informational question ("what are the signs of trafficking?") is answered as usual; a message with a
signal ("my boss locked me in", "he is beating me") gets the emergency numbers first and an urgent case
(bot/telegram/handoff/urgent.py). The rules are content: checked by the content loader, reloaded like any content::

    rules = parse_urgent(doc.data, topic_ids, langs, report)   # topic -> language -> signals
    urgent_topic(rules, "He is beating me")                    # "safety.violence"

A signal matches in any language. "a + b" needs every part somewhere in the message; a word ending
in * also matches longer words ("beat* me": beats me, beating me). In Latin script a part matches
whole words; in Arabic anywhere; in scripts written without spaces (Thai, Burmese) anywhere, spaces
ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

URGENT_FILE = "urgent.yml"
UrgentRules = Mapping[str, Mapping[str, tuple[str, ...]]]
"""topic id -> language code -> signals, as written in content/urgent.yml."""

Report = Callable[[tuple[str | int, ...], str, str, str], None]
"""Called with (keys, message, fix, severity) for each problem found."""

_NO_SPACES = ("THAI", "MYANMAR", "LAO", "KHMER", "CJK", "HIRAGANA", "KATAKANA")
"""Scripts written without spaces between words: matched anywhere, spaces ignored."""
_ATTACHED = ("ARABIC",)
"""Scripts whose words take attached prefixes (و، ف، ب): matched anywhere, spaces kept."""
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def normalise(text: str) -> str:
    """Lower case, Latin accents off, one kind of apostrophe, single spaces: how messages and signals compare."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", text.translate(_QUOTES).casefold()):
        if unicodedata.category(char) == "Mn" and kept and kept[-1].isascii():
            continue  # é → e, but Thai and Burmese vowel signs stay
        kept.append(char)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def _script(char: str) -> str:
    return unicodedata.name(char, "")


def _unspaced(part: str) -> bool:
    """Whether the part is in a script written without spaces (Thai, Burmese)."""
    return any(_script(c).startswith(_NO_SPACES) for c in part)


@lru_cache(maxsize=4096)
def _pattern(part: str) -> re.Pattern[str]:
    """The regular expression of one part of a signal (already normalised; spaces gone if unspaced)."""
    whole_words = not _script(part[0]).startswith(_NO_SPACES + _ATTACHED)
    edge = r"(?<!\w)", r"(?!\w)"
    body = re.escape(part).replace(r"\*", r"\w*")  # "beat*": beat, beats, beating
    return re.compile(f"{edge[0]}{body}{edge[1]}" if whole_words else body)


@lru_cache(maxsize=8192)
def _compiled(signal: str) -> tuple[tuple[re.Pattern[str], bool], ...] | None:
    """Each part's pattern and whether it is unspaced; None if a part is empty (the signal never matches)."""
    parts = []
    for part in (normalise(p) for p in signal.split(" + ")):
        unspaced = _unspaced(part)
        if unspaced:
            part = part.replace(" ", "")
        if not part.strip("* "):
            return None
        parts.append((_pattern(part), unspaced))
    return tuple(parts)


def matches(signal: str, text: str) -> bool:
    """Whether the (normalised) text contains every part of the signal."""
    parts = _compiled(signal)
    if parts is None:
        return False
    squeezed = text.replace(" ", "") if any(unspaced for _, unspaced in parts) else text
    return all(pattern.search(squeezed if unspaced else text) for pattern, unspaced in parts)


def urgent_topic(rules: UrgentRules, text: str, prefer: str | None = None) -> str | None:
    """The topic of the first signal the message contains (prefer's first), or None if none does."""
    text = normalise(text)
    order = sorted(rules, key=lambda topic: topic != prefer)
    for topic in order:
        if any(matches(s, text) for signals in rules[topic].values() for s in signals):
            return topic
    return None


def parse_urgent(
    data: Any, topic_ids: list[str], langs: list[str], report: Report
) -> dict[str, dict[str, tuple[str, ...]]]:
    """The rules in content/urgent.yml's data; every problem is reported, what is usable is kept."""
    rules: dict[str, dict[str, tuple[str, ...]]] = {}
    if data is None:
        return rules
    if not isinstance(data, dict):
        report(
            (),
            "The file must map topic ids to languages to lists of signals.",
            "See docs/content-format.md, 'Urgent signals'.",
            "error",
        )
        return rules
    for topic, by_lang in data.items():
        if topic not in topic_ids:
            report((topic,), f"{topic!r} is not a topic id.", "Use ids from content/topics.yml.", "error")
            continue
        if not isinstance(by_lang, dict):
            report((topic,), "A topic needs one list of signals per language.", "Write en: [...], es: [...].", "error")
            continue
        rules[topic] = {}
        for lang, signals in by_lang.items():
            if lang not in langs:
                report((topic, lang), f"{lang!r} is not a language in languages.yml.", "Use a language code.", "error")
                continue
            if not isinstance(signals, list) or not all(isinstance(s, str) and s.strip() for s in signals):
                report((topic, lang), "Signals must be a list of texts.", 'Write - "locked me in" lines.', "error")
                continue
            rules[topic][lang] = tuple(signals)
        for lang in langs:
            if lang not in by_lang:
                report(
                    (topic,),
                    f"No signals in {lang}: urgent messages in {lang} are not recognised.",
                    f"Add {lang}: with signals in that language.",
                    "warning",
                )
    return rules
