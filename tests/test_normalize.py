"""The matching form of messages: accents, apostrophes, Arabic forms, digits, Zawgyi (bot/nlu/normalize.py)."""

from __future__ import annotations

import pytest

from bot.nlu.held_out import read_test_set
from bot.nlu.normalize import is_zawgyi, normalize, zawgyi_to_unicode
from bot.settings import REPO


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("¿Dónde está el MÉDICO?", "¿donde esta el medico?"),
        ("Ça coûte combien, l'AME ?", "ca coute combien, l ame ?"),
        ("I don’t have papers", "i dont have papers"),
        ("pleaseeeee   help", "pleasee help"),
        ("ทำงาน ๑๖๙๔", "ทำงาน 1694"),  # Thai digits as 0-9; sara am kept whole
        ("ຂ້ອຍຕ້ອງການທຳງານ ໑໒", "ຂ້ອຍຕ້ອງການທຳງານ 12"),
        ("ខ្ញុំ​ចង់​ផ្ញើ​លុយ ១២", "ខ្ញុំ​ចង់​ផ្ញើ​លុយ 12"),
        ("أريد إقامة", "اريد اقامه"),
        ("مَدْرَسَةٌ", "مدرسه"),
        ("٣ أشهر", "3 اشهر"),
    ],
)
def test_folds_what_people_type_differently(written, folded):
    assert normalize(written) == folded


def test_never_and_start_stay_apart_in_arabic():
    # أبدا (never, deny) and ابدأ (start, menu) differ only by where the hamza sits.
    assert normalize("أبدا") != normalize("ابدأ")
    assert normalize("أبدا") == normalize("ابدا")


@pytest.mark.parametrize(
    ("zawgyi", "unicode"),
    [
        ("ျမန္မာ", "မြန်မာ"),
        ("အလုပ္သမား", "အလုပ်သမား"),
        ("ေဆး႐ုံ", "ဆေးရုံ"),
        ("ပန္းေရာင္ကတ္ ဘယ္လိုလုပ္ရမလဲ", "ပန်းရောင်ကတ် ဘယ်လိုလုပ်ရမလဲ"),
    ],
)
def test_zawgyi_is_detected_and_converted(zawgyi, unicode):
    assert is_zawgyi(zawgyi)
    assert not is_zawgyi(unicode)
    assert zawgyi_to_unicode(zawgyi) == unicode
    assert normalize(zawgyi) == normalize(unicode)


def test_unicode_burmese_training_examples_are_never_taken_for_zawgyi():
    lines = [text for path in sorted((REPO / "nlu_data" / "my").glob("*.yml")) for text, _ in read_test_set(path)]
    burmese = [x for x in lines if any("\u1000" <= c <= "\u109f" for c in x)]
    assert len(burmese) > 1000
    wrongly = [x for x in burmese if zawgyi_to_unicode(x) != x]
    assert len(wrongly) / len(burmese) < 0.005, wrongly[:10]


def test_text_of_other_scripts_is_left_as_it_is():
    for text in ["ขอบคุณ", "ສະບາຍດີ", "សួស្តី", "مرحبا", "hello"]:
        assert normalize(text) == text
