"""Remove what could identify someone from a text before it is stored or logged.

Two layers, both rule-based (no trained model is downloaded or used):

- ``scrub_patterns``: regular expressions for e-mail addresses, document-like
  codes (letters and digits mixed, such as a passport or NIE ``X1234567L``)
  and phone-like numbers. Cheap; used on every log line (bot.privacy.log_filter).
- ``Scrubber``: the same, then a ``spacy.blank`` pipeline with a sentencizer
  and a ``Matcher`` of token patterns: e-mails (``LIKE_EMAIL``), numbers of
  three or more digits in any script (``LIKE_NUM``), document-like tokens,
  names introduced as such ("my name is …", "me llamo …", "je m'appelle …",
  "اسمي …") and name-like words: capitalised in mid-sentence and not a word
  to keep; with a known vocabulary (the content's words), also capitalised at
  the start of a sentence when it stands alone or before another capitalised
  word ("Ahmed, …", "Fatou Diallo") and
  is neither known nor a stop word. Used for
  unanswered questions before they are stored.

Placeholders: ``<email>``, ``<doc>``, ``<number>``, ``<name>``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

EMAIL, DOC, NUMBER, NAME = "<email>", "<doc>", "<number>", "<name>"

_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), EMAIL),
    # document-like: letters and digits mixed, 6+ long (passports, NIE X1234567L)
    (re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{6,}\b"), DOC),
    # phone-like: 7+ digits (any script), optionally with +, spaces, dots or dashes between
    (re.compile(r"\+?\d(?:[\s.\-]?\d){6,}"), NUMBER),
)
_DOC_TOKEN = r"^(?=\w*\d)(?=\w*[^\W\d_])\w{5,}$"  # letters and digits mixed, 5+ long
MIN_NUMBER_DIGITS = 3  # "2 years" is kept, "1234" is not
# spaCy has a tokenizer for these; the others (Thai, Burmese) use the multi-language one.
SPACY_LANGUAGES = {"en", "es", "fr", "ar"}
# Capitalised words that are not names; the caller adds the content's own vocabulary.
KEEP = frozenset(
    {
        "i",
        "i'm",
        "i've",
        "i'd",
        "nie",
        "tie",
        "padrón",
        "padron",
        "barcelona",
        "spain",
        "españa",
        "espagne",
        "thailand",
        "bangkok",
        "myanmar",
        "burma",
        "catalunya",
        "cataluña",
        "europe",
        # greetings and short replies that often stand alone at the start: "Hi, …", "Bonjour."
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "yes",
        "no",
        "ok",
        "okay",
        "please",
        "sorry",
        "hola",
        "buenas",
        "buenos",
        "gracias",
        "sí",
        "vale",
        "bonjour",
        "bonsoir",
        "salut",
        "merci",
        "oui",
        "non",
        "pardon",
    }
)
_INTRODUCTIONS = (
    [{"LOWER": "my"}, {"LOWER": "name"}, {"LOWER": "is"}],
    [{"LOWER": "me"}, {"LOWER": "llamo"}],
    [{"LOWER": "mi"}, {"LOWER": "nombre"}, {"LOWER": "es"}],
    [{"LOWER": "je"}, {"LOWER": "m'"}, {"LOWER": "appelle"}],
    [{"LOWER": "je"}, {"LOWER": "m'appelle"}],
    [{"LOWER": "mon"}, {"LOWER": "nom"}, {"LOWER": "est"}],
    [{"TEXT": "اسمي"}],
)

# Introductions in scripts written without spaces between words (Thai, Burmese, Khmer, Lao): the name
# runs on from the phrase to the next space or sentence mark, so the phrase keeps and the rest goes.
_UNSPACED_INTRODUCTIONS = (
    "ผมชื่อ",
    "ฉันชื่อ",
    "ดิฉันชื่อ",
    "หนูชื่อ",
    "ชื่อของฉันคือ",
    "ชื่อของผมคือ",  # Thai
    "ကျွန်တော့်နာမည်",
    "ကျွန်တော်နာမည်",
    "ကျွန်မနာမည်",
    "ကျနော့်နာမည်",
    "ကျွန်ုပ်နာမည်",
    "ကျွန်တော့်အမည်",  # Burmese
    "ကျွန်မအမည်",
    "ကျွန်ုပ်၏အမည်",
    "ខ្ញុំឈ្មោះ",
    "ខ្ញុំបាទឈ្មោះ",
    "នាងខ្ញុំឈ្មោះ",
    "ឈ្មោះរបស់ខ្ញុំ",  # Khmer
    "ຂ້ອຍຊື່",
    "ຂ້ານ້ອຍຊື່",
    "ຂ້ອຍມີຊື່",
    "ຊື່ຂອງຂ້ອຍແມ່ນ",
    "ຂ້ອຍຊື່ວ່າ",  # Lao
)
_UNSPACED_INTRODUCTION = re.compile(
    "(" + "|".join(sorted(map(re.escape, _UNSPACED_INTRODUCTIONS), key=len, reverse=True)) + r")\s*[^\s.,!?။၊។៕]+"
)


def cut_unspaced_introductions(text: str) -> str:
    """The name after an introduction phrase goes: "ผมชื่อสมชาย ทำงาน…" becomes "ผมชื่อ<name> ทำงาน…"."""
    return _UNSPACED_INTRODUCTION.sub(lambda m: m.group(1) + NAME, text)


def scrub_patterns(text: str) -> str:
    """Replace e-mails, document-like codes and phone-like numbers with placeholders (regular expressions only)."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


class Scrubber:
    """Scrub texts in any of our languages; spaCy pipelines are built on first use, one per language.

    keep: words that look like names but are not (place names, office names);
    added to KEEP. known: the vocabulary of the content; when given, a
    capitalised word that starts a sentence and stands alone (punctuation, the
    end or another capitalised word follows) is name-like too unless it is
    known or a stop word.
    """

    def __init__(self, keep: Iterable[str] = (), known: Iterable[str] | None = None) -> None:
        self.keep = KEEP | {w.lower() for w in keep}
        self.known = None if known is None else self.keep | {w.lower() for w in known}
        self._nlp: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _pipeline(self, lang: str) -> Any:
        code = lang if lang in SPACY_LANGUAGES else "xx"
        with self._lock:
            if code not in self._nlp:
                import spacy  # imported on first use: no side effects at import
                from spacy.matcher import Matcher

                nlp = spacy.blank(code)
                nlp.add_pipe("sentencizer")
                matcher = Matcher(nlp.vocab)
                matcher.add(EMAIL, [[{"LIKE_EMAIL": True}]])
                matcher.add(DOC, [[{"TEXT": {"REGEX": _DOC_TOKEN}}]])
                matcher.add(NUMBER, [[{"LIKE_NUM": True}], [{"TEXT": {"REGEX": r"^\+?\d[\d.,/\-]*$"}}]])
                matcher.add("INTRO", [[*intro, {"IS_ALPHA": True}] for intro in _INTRODUCTIONS])
                matcher.add(NAME, [[{"IS_TITLE": True}]])
                self._nlp[code] = (nlp, matcher)
            return self._nlp[code]

    def _name_like(self, token: Any) -> bool:
        if token.lower_ in self.keep or token.is_upper or len(token.text) < 2:
            return False
        if token.is_sent_start:  # "Ahmed, …" but not "Where is …" nor "Quiero el …"
            after = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
            alone = after is None or after.is_punct or after.is_title  # "Ahmed, …", "Fatou Diallo"
            return alone and self.known is not None and token.lower_ not in self.known and not token.is_stop
        return True

    def scrub(self, text: str, lang: str = "en") -> str:
        """The text with e-mails, numbers of 3+ digits, document-like codes and name-like words replaced."""
        text = cut_unspaced_introductions(scrub_patterns(text))
        nlp, matcher = self._pipeline(lang)
        doc = nlp(text)
        replace: dict[int, str] = {}  # token index → placeholder
        for match_id, start, end in matcher(doc):
            label = nlp.vocab.strings[match_id]
            if label == "INTRO":
                replace[end - 1] = NAME  # the word after "my name is"
                continue
            token = doc[start]
            if token.text in (EMAIL, DOC, NUMBER, NAME) or token.text.strip("<>") in ("email", "doc", "number"):
                continue
            if label == NUMBER and _digits(token.text) < MIN_NUMBER_DIGITS:
                continue  # "2 years", "ten": not identifying
            if label == NAME and not self._name_like(token):
                continue
            replace.setdefault(start, label)
        out = []
        for token in doc:
            out.append((replace.get(token.i, token.text)) + token.whitespace_)
        return _merge_placeholders("".join(out))


def _merge_placeholders(text: str) -> str:
    """Collapse runs like "<name> <name>" into one placeholder."""
    return re.sub(r"(<(?:name|number)>)(?:\s+\1)+", r"\1", text)
