"""Fold a message into the form the NLU model matches on (never what is stored or shown).

Per script:
- every script: Unicode NFKC, lower case, digits of any script as 0-9, runs of one letter cut to two,
  apostrophes of every kind removed before a short ending ("don't": "dont")
  and otherwise read as a space ("l'AME": "l ame"), like quotation marks, spaces collapsed;
- Latin: accents removed ("médico" and "medico" match);
- Arabic: harakat and tatweel removed, alef forms as bare alef (except a final hamza on alef, so
  "أبدا", never, and "ابدأ", start, stay apart), alef maqsura as ya, ta marbuta as ha;
- Burmese: text typed in the Zawgyi encoding (still common on phones in Myanmar) converted to Unicode.
Thai, Lao and Khmer need nothing more here: the character n-grams cover words written without spaces.
"""

from __future__ import annotations

import functools
import re
import unicodedata

ZAWGYI_THRESHOLD = 0.9  # myanmartools' probability above which a Burmese message is taken as Zawgyi
_MYANMAR = re.compile(r"[\u1000-\u109f]")
_REPEAT = re.compile(r"(\w)\1{2,}")
_SPACES = re.compile(r"\s+")
_APOSTROPHES = "'\u2018\u2019\u201a\u201b\u2032\u00b4`\u02bc"
_SHORT_ENDING = re.compile(rf"(?<=\w)[{_APOSTROPHES}](?=\w{{1,2}}\b)")  # don't, it's: dont, its
_QUOTES = re.compile(rf"[{_APOSTROPHES}\"\u201c\u201d\u201e\u00ab\u00bb]")  # l'AME: l ame
_RECOMPOSE = {"\u0e4d\u0e32": "\u0e33", "\u0ecd\u0eb2": "\u0eb3"}  # Thai and Lao sara am, split by NFKC
_ARABIC_MARKS = re.compile(r"[\u064b-\u0652\u0670\u0640]")
_ALEF_HAMZA = re.compile(r"[\u0623\u0625\u0622\u0671](?!(?<=\u0623)(?:\W|$))")
_ARABIC_FOLD = str.maketrans({"\u0649": "\u064a", "\u0629": "\u0647"})


def normalize(text: str) -> str:
    """The matching form of a message (see the module docstring)."""
    if _MYANMAR.search(text):
        text = zawgyi_to_unicode(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    for split, whole in _RECOMPOSE.items():
        text = text.replace(split, whole)
    text = _QUOTES.sub(" ", _SHORT_ENDING.sub("", text))
    text = "".join(_fold_char(c) for c in _strip_latin_accents(text))
    text = _ARABIC_MARKS.sub("", text)
    text = _ALEF_HAMZA.sub("\u0627", text).translate(_ARABIC_FOLD)
    text = _REPEAT.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


def _fold_char(c: str) -> str:
    """A digit of any script as its ASCII digit; anything else unchanged."""
    if c.isdecimal() and not c.isascii():
        return str(unicodedata.decimal(c))
    return c


def _strip_latin_accents(text: str) -> str:
    """Remove combining accents that follow a Latin letter; keep the vowel signs of other scripts."""
    out: list[str] = []
    for c in unicodedata.normalize("NFD", text):
        if unicodedata.combining(c) and out and _is_latin(out[-1]):
            continue
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


def _is_latin(c: str) -> bool:
    return c.isascii() and c.isalpha() or "\u00c0" <= c <= "\u024f"


@functools.lru_cache(maxsize=1)
def _zawgyi_detector():  # type: ignore[no-untyped-def]
    from myanmartools import ZawgyiDetector

    return ZawgyiDetector()


def is_zawgyi(text: str) -> bool:
    """True when Burmese text is in the Zawgyi encoding rather than Unicode (Google's myanmar-tools model)."""
    return _zawgyi_detector().get_zawgyi_probability(text) >= ZAWGYI_THRESHOLD


def zawgyi_to_unicode(text: str) -> str:
    """Burmese Zawgyi text as Unicode; Unicode (or any other) text unchanged."""
    if not is_zawgyi(text):
        return text
    from myanmar.converter import convert

    return str(convert(text, "zawgyi", "unicode"))
