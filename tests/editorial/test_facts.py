from __future__ import annotations

from bot.content.facts import compare, extract_facts, facts_of


def shown(text: str) -> dict[str, str]:
    return {key: fact.shown for key, fact in extract_facts(text).items()}


def test_phone_numbers_urls_amounts_and_emails_are_facts():
    facts = shown("Call 900 10 50 90 or 112. Fee €1,221 or 7,600 baht, 5 €. See https://x.org/a/, a.b@x.cat.")
    assert facts == {
        "number:900105090": "900 10 50 90",
        "number:112": "112",
        "number:1221": "€1,221",
        "number:7600": "7,600",
        "number:5": "5 €",
        "url:x.org/a": "https://x.org/a/",
        "email:a.b@x.cat": "a.b@x.cat",
    }


def test_small_counts_are_not_facts():
    assert shown("Renew every 2 years, 5-6 months, level A2, 24 hours.") == {}


def test_grouping_scripts_and_attached_letters_do_not_matter():
    english = facts_of(["Cost 7,600 baht, 500 baht visa, in 124 languages."])
    arabic = facts_of(["التكلفة ٧٬٦٠٠ بات، و500 بات للتأشيرة، بـ124 لغة."])
    thai = facts_of(["ค่าใช้จ่าย 7 600 บาท ค่าวีซ่า ๕๐๐ บาท 124 ภาษา"])
    for diff in (compare(english, arabic), compare(english, thai)):
        assert diff.missing == diff.extra == []


def test_a_changed_number_is_missing_and_extra():
    diff = compare(facts_of(["Call 900 116 016."]), facts_of(["Appelez le 900 116 061."]))
    assert [f.shown for f in diff.missing] == ["900 116 016"] and [f.shown for f in diff.extra] == ["900 116 061"]
