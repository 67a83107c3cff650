"""Scrubbing removes phone numbers, e-mails, document numbers and names, and keeps the question."""

from __future__ import annotations

import pytest

from bot.privacy.log_filter import scrub as log_scrub
from bot.privacy.scrub import Scrubber, scrub_patterns


@pytest.fixture(scope="module")
def scrubber() -> Scrubber:
    return Scrubber(keep={"padrón"})


@pytest.mark.parametrize(
    ("lang", "text", "gone", "kept"),
    [
        (
            "en",
            "Hi, my name is Ahmed Karimi, call me on +34 612 345 678 or ahmed.k@gmail.com. My NIE is X1234567L "
            "and I waited 2 years for the Padrón in Barcelona",
            ["Ahmed", "Karimi", "612", "ahmed.k@gmail.com", "X1234567L"],
            ["Hi", "call me", "NIE", "waited 2 years", "Padrón", "Barcelona", "<name>", "<number>", "<email>", "<doc>"],
        ),
        (
            "es",
            "Hola, me llamo María y mi pasaporte es AB123456, vivo en Barcelona desde hace 3 años. "
            "Mi teléfono 612345678, escribe a maria_g@correo.es",
            ["María", "AB123456", "612345678", "maria_g@correo.es"],
            ["pasaporte", "Barcelona", "3 años", "teléfono"],
        ),
        (
            "fr",
            "Bonjour, je m'appelle Fatou, mon numéro est 06 12 34 56 78, titre de séjour 1234567890",
            ["Fatou", "06 12", "1234567890"],
            ["Bonjour", "titre de séjour"],
        ),
        (
            "ar",
            "اسمي محمد ورقم هاتفي ٠٦١٢٣٤٥٦٧٨ وبريدي m.ali@example.com كيف أسجل في البلدية؟",
            ["محمد", "٠٦١٢٣٤٥٦٧٨", "m.ali@example.com"],
            ["كيف أسجل في البلدية؟", "<number>"],
        ),
        (
            "th",
            "เบอร์ 0812345678 อีเมล somchai@mail.co.th บัตรชมพู 2567 ทำอย่างไร",
            ["0812345678", "somchai@mail.co.th", "2567"],
            ["บัตรชมพู", "ทำอย่างไร"],
        ),
        ("my", "ကျွန်တော့်ဖုန်း ၀၉၁၂၃၄၅၆၇၈ ပါ အလုပ်ပါမစ် ဘယ်လိုလုပ်ရမလဲ", ["၀၉၁၂၃၄၅၆၇၈"], ["အလုပ်ပါမစ်", "ဘယ်လိုလုပ်ရမလဲ"]),
        # introductions in scripts without spaces between words: the name after the phrase goes
        ("th", "สวัสดีครับ ผมชื่อสมชาย ทำงานที่โรงงาน นายจ้างไม่จ่ายเงิน", ["สมชาย"], ["ผมชื่อ<name>", "นายจ้างไม่จ่ายเงิน"]),
        ("my", "ကျွန်တော့်နာမည် မောင်မောင်ပါ။ အလုပ်ရှင်က လစာမပေးဘူး", ["မောင်မောင်"], ["<name>", "လစာမပေးဘူး"]),
        ("km", "ខ្ញុំឈ្មោះសុខា។ ខ្ញុំត្រូវការជំនួយ", ["សុខា"], ["ខ្ញុំឈ្មោះ<name>", "ខ្ញុំត្រូវការជំនួយ"]),
        ("lo", "ຂ້ອຍຊື່ສົມພອນ ນາຍຈ້າງບໍ່ຈ່າຍເງິນ", ["ສົມພອນ"], ["ຂ້ອຍຊື່<name>", "ນາຍຈ້າງບໍ່ຈ່າຍເງິນ"]),
    ],
)
def test_scrub_removes_what_identifies_and_keeps_the_question(
    scrubber: Scrubber, lang: str, text: str, gone: list[str], kept: list[str]
) -> None:
    clean = scrubber.scrub(text, lang)
    for part in gone:
        assert part not in clean, (part, clean)
    for part in kept:
        assert part in clean, (part, clean)


def test_a_plain_question_is_unchanged(scrubber: Scrubber) -> None:
    text = "How do I register at the town hall in Barcelona?"
    assert scrubber.scrub(text, "en") == text


def test_log_scrubbing_uses_the_same_patterns() -> None:
    line = "user wrote +34 612 345 678, x@y.org, passport AB123456"
    assert log_scrub(line) == scrub_patterns(line) == "user wrote <number>, <email>, passport <doc>"


def test_with_a_vocabulary_names_at_the_start_of_a_sentence_go_too() -> None:
    scrubber = Scrubber(known={"register", "town", "hall", "carte", "vitale"})
    assert (
        scrubber.scrub("How do I register at the town hall? Ahmed, thanks", "en")
        == "How do I register at the town hall? <name>, thanks"
    )
    assert scrubber.scrub("Bonjour. La carte vitale ? Fatou Diallo", "fr") == "Bonjour. La carte vitale ? <name>"
    assert scrubber.scrub("Quiero el NIE. Gracias", "es") == "Quiero el NIE. Gracias"


def test_logged_tracebacks_and_url_tokens_are_scrubbed() -> None:
    import io
    import logging

    from bot.privacy.log_filter import ScrubFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ScrubFilter())
    logger = logging.getLogger("test-scrub-traceback")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise RuntimeError("GET http://rasa:5005/conversations?token=s3cr3t-value failed for +34 612 345 678")
        except RuntimeError:
            logger.exception("Rasa failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "Traceback" in written and "RuntimeError" in written
    assert "s3cr3t-value" not in written and "612 345 678" not in written
    assert "token=[hidden]" in written
