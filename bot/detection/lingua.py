"""lingua's confidence per language, at a fraction of its memory (docs/performance.md, "Language detection").

lingua's accurate mode over all its 75 languages takes ~1 GB and ~14 s to load; its quick (trigram)
mode takes 70 MB but calls short English Tagalog and short Spanish Welsh. So the accurate mode
compares our languages only, and when the caller asks (few of the words are ours), the quick mode
names one rival that the accurate mode then compares with ours.

lingua keeps each language's models once per process, shared by every detector. Ours load once and
stay. A rival's models load when it is first compared (0.1-0.3 s, holding Python's lock); at most
MAX_RIVALS rivals stay loaded, and beyond that the one compared longest ago is unloaded, alone: ours
never reload (that took ~0.75 s, every few hundred messages, stalling every conversation).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

MAX_RIVALS = 6  # other languages whose accurate models may be loaded (~0-50 MB each)
RIVAL_AT = 0.5  # the quick mode's confidence from which another language is compared accurately (docs/performance.md)


class LinguaScorer:
    """Confidence per ISO 639-1 code for texts in the scripts our languages share with others."""

    def __init__(self, codes: list[str]):
        from lingua import IsoCode639_1  # created on first use only (detection or preload), not at import

        # our languages that lingua knows (of the Latin and Arabic scripts), once
        self._ours = [c for c in codes if hasattr(IsoCode639_1, c.upper())]
        self._lock = threading.Lock()
        self._quick: Any = None
        self._accurate: dict[str | None, Any] = {}  # None: ours alone; a code: ours and that rival
        self._rivals: OrderedDict[str, None] = OrderedDict()  # loaded rivals, the least recently compared first

    @property
    def rivals_loaded(self) -> list[str]:
        """The rival languages whose accurate models are loaded, the least recently compared first."""
        return list(self._rivals)

    def warm_up(self, samples: list[str]) -> None:
        """Load the quick models and our languages' accurate ones (slow: call from a thread)."""
        for text in samples:
            self.scores(text, rival=True)
            self.scores(text)

    def scores(self, text: str, rival: bool = False) -> dict[str, float]:
        """Our languages' confidences; with rival, also the other language the quick mode finds likeliest."""
        ours = self._ours
        with self._lock:
            name = self._rival(text, ours) if rival else None
            if not ours and not name:
                return {}
            if name is not None:
                self._rivals[name] = None
                self._rivals.move_to_end(name)
                while len(self._rivals) > MAX_RIVALS:
                    self._unload(self._rivals.popitem(last=False)[0])
            if name not in self._accurate:
                codes = [*ours, name] if name else ours
                self._accurate[name] = _detector(codes)
            return _as_codes(self._accurate[name].compute_language_confidence_values(text))

    def _unload(self, code: str) -> None:
        """Free one rival's models (a detector of that language alone unloads only its own)."""
        self._accurate.pop(code, None)
        _detector([code]).unload_language_models()

    def _rival(self, text: str, ours: list[str]) -> str | None:
        if self._quick is None:
            from lingua import LanguageDetectorBuilder

            self._quick = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
        quick = _as_codes(self._quick.compute_language_confidence_values(text))
        value, name = max(((v, k) for k, v in quick.items() if k not in ours), default=(0.0, None))
        return name if value >= RIVAL_AT else None


def _detector(codes: list[str]) -> Any:
    """An accurate-mode lingua detector over these ISO 639-1 codes (its models load on first use)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _as_codes(values: list[Any]) -> dict[str, float]:
    return {cv.language.iso_code_639_1.name.lower(): cv.value for cv in values}
