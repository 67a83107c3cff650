"""lingua's confidence per language, at a fraction of its memory (docs/performance.md, "Language detection").

lingua's accurate mode over all its 75 languages takes ~1 GB and ~14 s to load; its quick (trigram)
mode takes 70 MB but calls short English Tagalog and short Spanish Welsh. So the accurate mode
compares our languages only, and when the caller asks (few of the words are ours), the quick mode
names one rival that the accurate mode then compares with ours. Accurate models load once per
language and are shared; when more than MAX_RIVALS rivals have been loaded they are all unloaded
(ours reload in about half a second), which bounds the memory.
"""

from __future__ import annotations

import threading
from typing import Any

MAX_RIVALS = 6  # other languages whose accurate models may be loaded (~20-50 MB each)
RIVAL_AT = 0.1  # the quick mode's confidence from which another language is compared accurately


class LinguaScorer:
    """Confidence per ISO 639-1 code for texts in the scripts our languages share with others."""

    def __init__(self, codes: list[str]):
        from lingua import IsoCode639_1  # created on first use only (detection or preload), not at import

        # our languages that lingua knows (of the Latin and Arabic scripts), once
        self._ours = [c for c in codes if hasattr(IsoCode639_1, c.upper())]
        self._lock = threading.Lock()
        self._quick: Any = None
        self._accurate: dict[str | None, Any] = {}

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
            if name not in self._accurate and len(self._accurate) > MAX_RIVALS:
                for detector in self._accurate.values():
                    detector.unload_language_models()
                self._accurate.clear()
            if not ours and not name:
                return {}
            if name not in self._accurate:
                from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

                codes = [*ours, name] if name else ours
                languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in codes]
                self._accurate[name] = LanguageDetectorBuilder.from_languages(*languages).build()
            return _as_codes(self._accurate[name].compute_language_confidence_values(text))

    def _rival(self, text: str, ours: list[str]) -> str | None:
        if self._quick is None:
            from lingua import LanguageDetectorBuilder

            self._quick = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
        quick = _as_codes(self._quick.compute_language_confidence_values(text))
        value, name = max(((v, k) for k, v in quick.items() if k not in ours), default=(0.0, None))
        return name if value >= RIVAL_AT else None


def _as_codes(values: list[Any]) -> dict[str, float]:
    return {cv.language.iso_code_639_1.name.lower(): cv.value for cv in values}
