"""Language detection: scripts, lingua plus our vocabulary, unsupported languages."""

from __future__ import annotations

import pytest

from bot.assistant import pick_language
from bot.content.languages import load_languages
from bot.detection.detector import Detection, LanguageDetector
from bot.settings import REPO


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(load_languages(REPO / "content"), REPO / "nlu_data")


@pytest.mark.parametrize(
    "text, lang",
    [
        ("¿Puedo empadronarme sin contrato de alquiler?", "es"),
        ("ลูกฉันไม่มีเอกสาร เข้าเรียนได้ไหม", "th"),
        ("أين أجد طبيبا؟", "ar"),
        ("ကျွန်တော့် work permit သက်တမ်းကုန်ပြီ", "my"),
        ("Je cherche un cours de français gratuit", "fr"),
        ("my boss keeps my passport", "en"),
        ("hola", "es"),
        ("merci beaucoup", "fr"),
    ],
)
def test_detects_supported_languages(detector: LanguageDetector, text: str, lang: str):
    assert detector.detect(text).lang == lang


@pytest.mark.parametrize(
    "text",
    [
        "Где я могу найти врача?",
        "我需要看医生",
        "Ich brauche einen Arzt für meine Tochter",
        "እርዳታ እፈልጋለሁ",
        "مجھے ڈاکٹر کی ضرورت ہے",
    ],
)
def test_flags_unsupported_languages(detector: LanguageDetector, text: str):
    d = detector.detect(text)
    assert d.unsupported and d.lang is None


def test_no_letters_means_no_language(detector: LanguageDetector):
    assert detector.detect("😀😀 👍").lang is None
    assert detector.detect("123 456").lang is None


def test_switching_needs_confidence():
    assert pick_language(Detection("es", 0.95), "en") == "es"
    assert pick_language(Detection("es", 0.4), "en") == "en"
    assert pick_language(Detection(None, 0.0), "ar") == "ar"
    assert pick_language(Detection(None, 0.0), None) == "en"


def _held_out(lang: str) -> list[str]:
    import yaml

    blocks = yaml.safe_load((REPO / "tests" / "nlu" / f"{lang}.yml").read_text(encoding="utf-8"))["nlu"]
    return [x[2:].strip() for b in blocks for x in b["examples"].splitlines() if x.strip().startswith("- ")]


@pytest.mark.parametrize("lang", ["en", "es", "fr", "ar"])
def test_a_question_in_another_language_is_sure_enough_to_switch(detector: LanguageDetector, lang: str):
    """Held-out questions (never used for anything else here): most are sure enough to switch, none wrongly."""
    questions = _held_out(lang)
    found = [detector.detect(q) for q in questions]
    wrong = [(q, d) for q, d in zip(questions, found, strict=True) if d.confident and d.lang != lang]
    sure = sum(d.confident and d.lang == lang for d in found) / len(questions)
    print(f"{lang}: {sure:.2f} of {len(questions)} held-out questions sure enough to switch")
    assert not wrong, f"would switch to the wrong language: {wrong[:5]}"
    assert sure >= 0.85, f"{lang}: only {sure:.2f} sure enough to switch"


def test_one_word_is_not_enough_to_switch(detector: LanguageDetector):
    for word in ("ok", "okey", "hola", "sale", "merci"):
        assert not detector.detect(word).confident, word
    assert detector.detect("how do I get a health card to see a doctor").confident


@pytest.mark.parametrize(
    "text, lang",
    [
        # lingua's quick mode alone calls these Esperanto and Welsh; the accurate comparison does not.
        ("Can Tenants register at the Bürgeramt when they rent a temporary Apartment?", "en"),
        ("Puedo tomar un avión de Filadelfia a California?", "es"),
    ],
)
def test_a_quick_guess_of_another_language_is_checked_accurately(detector: LanguageDetector, text: str, lang: str):
    assert detector.detect(text).lang == lang


def test_rival_languages_loaded_stay_bounded():
    """Beyond MAX_RIVALS the rival compared longest ago is unloaded, alone; one unloaded and needed again reloads."""
    from bot.detection.lingua import MAX_RIVALS, LinguaScorer

    scorer = LinguaScorer(["en", "es", "fr", "ar"])
    texts = [
        "Ich brauche einen Arzt für meine Tochter",
        "Preciso de um médico para a minha filha",
        "Ho bisogno di un medico per mia figlia",
        "Ik heb een dokter nodig voor mijn dochter",
        "Potrzebuję lekarza dla mojej córki",
        "Am nevoie de un medic pentru fiica mea",
        "Kızım için bir doktora ihtiyacım var",
        "Tôi cần bác sĩ cho con gái tôi",
        "Saya perlukan doktor untuk anak perempuan saya",
        "Ninahitaji daktari kwa binti yangu",
    ]
    winners = []
    for text in [*texts, *texts[:3]]:  # the first three were unloaded by then: compared again, they reload
        scores = scorer.scores(text, rival=True)
        winners.append(max(scores, key=scores.__getitem__))
        assert winners[-1] not in {"en", "es", "fr", "ar"}, text
        assert len(scorer.rivals_loaded) <= MAX_RIVALS
    assert scorer.rivals_loaded[-1] == winners[-1]  # the one compared last is kept
    assert winners[-3:] == winners[:3]
    assert scorer.scores("where can I find a doctor for my daughter")["en"] > 0.5


def test_our_languages_beat_a_weak_quick_guess_without_a_rival_loaded():
    """A message of ours that lingua's quick mode half-attributes elsewhere loads no rival (RIVAL_AT)."""
    from bot.detection.lingua import LinguaScorer

    scorer = LinguaScorer(["en", "es", "fr", "ar"])
    scores = scorer.scores("delete all my info", rival=True)
    assert max(scores, key=scores.__getitem__) == "en"
    assert scorer.rivals_loaded == []
