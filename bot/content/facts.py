"""Phone numbers, URLs and amounts in a text: they must be the same in every translation.

A translation slip in a phone number or a fee is dangerous, and a machine can
spot it: the facts are taken out of each translation and compared with English.

What counts as a fact:

- an e-mail address, compared case-insensitively;
- a URL (``https://…``, ``http://…`` or ``www.…``), compared without a trailing
  slash or punctuation and case-insensitively;
- a number of three or more digits (phone numbers, amounts, years), where digit
  groups separated by one space, dot, comma or Arabic thousands/decimal sign are
  one number ("900 10 50 90", "7,600", "1.221" and "1 221" all count as written
  without separators; so do two numbers with only a space between them);
- any number right next to a currency sign (``€5``, ``5 €``, ``$20``, ``฿500``).

Small counts such as "2 years" are left out: translators often write them as
words. Digits of every script (Arabic-Indic, Thai, Burmese) count as digits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

CURRENCY = "€$£฿"
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SEP = " .,\u00a0\u202f\u066b\u066c"  # also the Arabic decimal and thousands signs
_NUMBER = re.compile(rf"(?<!\d)([{re.escape(CURRENCY)}]\s?)?(\d+(?:[{_SEP}]\d+)*)(\s?[{re.escape(CURRENCY)}])?")
_TRAILING = ".,;:!?…»)]"
MIN_DIGITS = 3


@dataclass(frozen=True)
class Fact:
    """One phone number, URL or amount: how it is compared and how it was written."""

    key: str
    shown: str


def _digits(text: str) -> str:
    """Only the digits of text, as ASCII (٠١٢, ๐๑๒ and ၀၁၂ become 012)."""
    return "".join(str(unicodedata.digit(ch)) for ch in text if unicodedata.digit(ch, None) is not None)


def _url_key(url: str) -> str:
    url = url.rstrip(_TRAILING).rstrip("/").lower()
    return url.removeprefix("https://").removeprefix("http://").removeprefix("www.")


def extract_facts(text: str) -> dict[str, Fact]:
    """The facts in text, by comparison key (see the module docstring)."""
    facts: dict[str, Fact] = {}
    for m in _URL.finditer(text):
        shown = m.group(0).rstrip(_TRAILING)
        facts.setdefault(f"url:{_url_key(shown)}", Fact(f"url:{_url_key(shown)}", shown))
    rest = _URL.sub(" ", text)
    for m in _EMAIL.finditer(rest):
        shown = m.group(0).rstrip(_TRAILING)
        facts.setdefault(f"email:{shown.lower()}", Fact(f"email:{shown.lower()}", shown))
    rest = _EMAIL.sub(" ", rest)
    for m in _NUMBER.finditer(rest):
        digits = _digits(m.group(2))
        money = bool(m.group(1) or m.group(3))
        if len(digits) >= MIN_DIGITS or (money and digits):
            shown = m.group(0).strip().rstrip(_TRAILING)
            facts.setdefault(f"number:{digits}", Fact(f"number:{digits}", shown))
    return facts


def facts_of(texts: Iterable[str]) -> dict[str, Fact]:
    """The facts of several texts together (a translation's title and messages)."""
    found: dict[str, Fact] = {}
    for text in texts:
        for key, fact in extract_facts(text).items():
            found.setdefault(key, fact)
    return found


@dataclass(frozen=True)
class Difference:
    """Facts English has that a translation lacks, and facts only the translation has."""

    missing: list[Fact]
    extra: list[Fact]


def compare(reference: dict[str, Fact], translation: dict[str, Fact]) -> Difference:
    """What a translation lacks or adds compared with the reference (English)."""
    return Difference(
        [f for k, f in reference.items() if k not in translation],
        [f for k, f in translation.items() if k not in reference],
    )
