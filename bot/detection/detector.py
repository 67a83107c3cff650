"""Detect the language of a message among the supported ones (script ranges + lingua + our own vocabulary)."""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.content.languages import Language
from bot.content.yamlfile import parse_yaml
from bot.detection.lingua import LinguaScorer

OURS_AT = 0.34  # share of a message's words in our vocabulary from which it is one of our languages
LINGUA_SCRIPTS = ("Latin", "Arabic")  # scripts several languages share: lingua tells them apart
# Unicode blocks by script. Scripts not listed count as "Other".
SCRIPTS: dict[str, tuple[tuple[int, int], ...]] = {
    "Latin": ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF)),
    "Arabic": ((0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "Thai": ((0xE00, 0xE7F),),
    "Myanmar": ((0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F)),
    "Cyrillic": ((0x400, 0x52F),),
    "Greek": ((0x370, 0x3FF),),
    "Hebrew": ((0x590, 0x5FF),),
    "Devanagari": ((0x900, 0x97F),),
    "Bengali": ((0x980, 0x9FF),),
    "Khmer": ((0x1780, 0x17FF),),
    "Lao": ((0xE80, 0xEFF),),
    "Han": ((0x4E00, 0x9FFF), (0x3400, 0x4DBF)),
    "Kana": ((0x3040, 0x30FF),),
    "Hangul": ((0xAC00, 0xD7AF), (0x1100, 0x11FF)),
    "Ethiopic": ((0x1200, 0x137F),),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
CONFIDENT = 0.75  # a detection at least this sure may switch the conversation language
SMOOTHING = 0.5  # added to every word count of the word model
MIN_WORDS_TO_BE_SURE = 2  # between languages of one script, a single word never switches


def script_of(ch: str) -> str:
    """The script a letter belongs to ("Other" if not in our table)."""
    cp = ord(ch)
    for name, ranges in SCRIPTS.items():
        if any(lo <= cp <= hi for lo, hi in ranges):
            return name
    return "Other"


def letters(text: str) -> list[str]:
    """The letters (and combining marks) of a text, without digits, symbols or emoji."""
    return [c for c in text if unicodedata.category(c)[0] in "LM"]


@dataclass(frozen=True)
class Detection:
    """What language a message is in, as far as we can tell."""

    lang: str | None  # a supported code, or None (no letters / not sure / unsupported)
    confidence: float
    unsupported: bool = False

    @property
    def confident(self) -> bool:
        """Sure enough to switch language mid-conversation."""
        return self.lang is not None and self.confidence >= CONFIDENT


def _word_counts(nlu_dir: Path, codes: Iterable[str]) -> dict[str, Counter[str]]:
    """How often each word occurs in each language's NLU examples."""
    counts: dict[str, Counter[str]] = {}
    for code in codes:
        words: Counter[str] = Counter()
        for path in sorted((nlu_dir / code).glob("*.yml")):
            data = parse_yaml(path.read_text(encoding="utf-8")) or {}
            for block in data.get("nlu") or []:
                for line in str(block.get("examples", "")).splitlines():
                    words.update(w.lower() for w in _WORD.findall(line.lstrip("- ")))
        counts[code] = words
    return counts


class LanguageDetector:
    """Detects supported languages; lingua's models load on first use."""

    def __init__(self, languages: list[Language], nlu_dir: Path):
        self.languages = languages
        self.by_script: dict[str, list[str]] = {}
        for lang in languages:
            self.by_script.setdefault(lang.script, []).append(lang.code)
        self.counts = _word_counts(nlu_dir, [x.code for x in languages])
        self.vocab = {code: set(words) for code, words in self.counts.items()}
        word_langs: Counter[str] = Counter()
        for words in self.vocab.values():
            word_langs.update(words)
        self.word_langs = word_langs
        self.totals = {code: sum(words.values()) for code, words in self.counts.items()}
        self.vocabulary_size = len(word_langs)

    def preload(self) -> None:
        """Load lingua's models in a background thread (they load outside Python's lock, beside Rasa's)."""
        samples = [x.name for x in self.languages if x.script in LINGUA_SCRIPTS]
        threading.Thread(target=self._lingua.warm_up, args=(samples,), name="lingua-preload", daemon=True).start()

    @cached_property
    def _lingua(self) -> LinguaScorer:
        return LinguaScorer([x.code for x in self.languages if x.script in LINGUA_SCRIPTS])

    def _lingua_scores(self, text: str, rival: bool = False) -> dict[str, float]:
        return self._lingua.scores(text, rival)

    def _word_model(self, words: list[str], codes: list[str]) -> dict[str, float]:
        """How likely each language is to have written these words, as shares among codes.

        A word-unigram model of each language's NLU examples (add-half smoothing): words that occur
        in several languages' examples still count for the language that uses them most.
        """
        if not words:
            return {c: 1 / len(codes) for c in codes}
        logs = {
            c: sum(
                math.log((self.counts[c][w] + SMOOTHING) / (self.totals[c] + SMOOTHING * self.vocabulary_size))
                for w in words
            )
            for c in codes
        }
        top = max(logs.values())
        odds = {c: math.exp(v - top) for c, v in logs.items()}
        total = sum(odds.values())
        return {c: v / total for c, v in odds.items()}

    def _vocab_scores(self, words: list[str], codes: list[str]) -> dict[str, float]:
        if not words:
            return {c: 0.0 for c in codes}
        return {c: sum(1.0 / self.word_langs[w] for w in words if w in self.vocab[c]) / len(words) for c in codes}

    def detect(self, text: str) -> Detection:
        """Guess the message's language among the supported ones."""
        chars = letters(text)
        if not chars:
            return Detection(None, 0.0)
        scripts = Counter(script_of(c) for c in chars)
        script, count = scripts.most_common(1)[0]
        share = count / len(chars)
        candidates = self.by_script.get(script, [])
        if not candidates:
            return Detection(None, share, unsupported=len(chars) >= 2)
        words = [w.lower() for w in _WORD.findall(text)]
        if script not in LINGUA_SCRIPTS:
            # Scripts only one of our languages uses; lingua cannot tell Burmese anyway.
            return Detection(candidates[0], share)
        vocab = self._vocab_scores(words, candidates)
        # Another language is only considered when few of the words are ours (OURS_AT).
        few_ours = len(words) >= 3 and max(vocab.values()) < OURS_AT
        lingua = self._lingua_scores(text, rival=few_ours)
        best_other = max(((v, k) for k, v in lingua.items() if k not in candidates), default=(0.0, ""))
        if best_other[0] >= 0.6 and few_ours:
            return Detection(None, best_other[0], unsupported=True)
        if len(candidates) == 1:
            total = sum(lingua.get(c, 0.0) for c in candidates) or 1.0
            alone = 0.5 * lingua.get(candidates[0], 0.0) / total + 0.5 * vocab[candidates[0]]
            return Detection(candidates[0], min(1.0, share * (0.5 + alone)))
        combined = _combine(lingua, self._word_model(words, candidates), candidates)
        lang = max(combined, key=lambda c: combined[c])
        sure = combined[lang] * share
        if len(words) < MIN_WORDS_TO_BE_SURE:
            sure /= 2  # "ok", "sale", "no": words several languages share; enough to start in, not to switch
        return Detection(lang, sure)


def _combine(lingua: dict[str, float], words: dict[str, float], candidates: list[str]) -> dict[str, float]:
    """Each candidate's share of lingua's confidence averaged with its share from our word model."""
    lingua_total = sum(lingua.get(c, 0.0) for c in candidates)
    return {
        c: 0.5 * (lingua.get(c, 0.0) / lingua_total if lingua_total else 1 / len(candidates)) + 0.5 * words[c]
        for c in candidates
    }
