"""`python -m bot content check` on edited copies of the real content, through the real command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.content.load import load_content
from bot.editorial.stamp import stamp
from tests.helpers.editing import Bot, edit, line_of


def check(bot: Bot, content_dir: Path) -> tuple[int, list[str]]:
    result = bot("content", "check", "--content", str(content_dir))
    assert not result.stderr.strip(), result.stderr
    return result.returncode, result.stdout.splitlines()


def test_the_real_content_passes(bot: Bot, content_dir: Path):
    code, lines = check(bot, content_dir)
    assert (code, lines) == (0, ["Content OK: no errors, no warnings."])


def _unknown_status(d: Path) -> tuple[str, str]:
    edit(d / "global" / "housing.help.yml", "status: machine_translation", "status: finished")
    return (
        r"ERROR content/global/housing\.help\.yml:\d+ \[translations\.es\.status\]: Unknown status 'finished'\. "
        r"Fix: Use draft, machine_translation or reviewed\."
    )


def _missing_translation(d: Path) -> tuple[str, str]:
    path = d / "th" / "work.permit.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\n  my:")] + "\n", encoding="utf-8")
    return r"ERROR content/th/work\.permit\.yml:\d+ \[translations\]: The my translation is missing\. Fix: Add a 'my:'"


def _no_sources(d: Path) -> tuple[str, str]:
    path = d / "global" / "legal.aid.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"sources:\n(  .*\n)+", "sources: []\n", text), encoding="utf-8")
    return r"ERROR content/global/legal\.aid\.yml:\d+ \[sources\]: Every answer needs at least one source\. Fix: "


def _too_long(d: Path) -> tuple[str, str]:
    edit(d / "global" / "legal.aid.yml", "messages:\n      - ", "messages:\n      - " + "x" * 4100 + " ")
    return r"ERROR content/global/legal\.aid\.yml:\d+ \[translations\.en\.messages\.0\]: Message is \d+ characters"


def _ui_string(d: Path) -> tuple[str, str]:
    path = d / "ui" / "th.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(x for x in text.splitlines() if not x.startswith("button.back:")), encoding="utf-8")
    return r"ERROR content/ui/th\.yml:\d+: String 'button\.back' is missing\. Fix: Add button\.back:"


def _yaml_syntax(d: Path) -> tuple[str, str]:
    edit(d / "th" / "work.rights.yml", "sensitivity:", "related: [a, b\nsensitivity:")
    return r"ERROR content/th/work\.rights\.yml:\d+: This is not valid YAML .* Fix: Check indentation"


@pytest.mark.parametrize(
    "breaker",
    [_unknown_status, _missing_translation, _no_sources, _too_long, _ui_string, _yaml_syntax],
    ids=lambda f: f.__name__.strip("_"),
)
def test_each_kind_of_error_is_named_with_its_fix_and_exits_1(bot: Bot, content_dir: Path, breaker):
    expected = breaker(content_dir)
    code, lines = check(bot, content_dir)
    assert code == 1
    assert any(re.match(expected, line) for line in lines), "\n".join(lines)
    assert re.match(r"\d+ errors?, \d+ warnings? in \d+ files?\. The assistant refuses content with errors", lines[-1])


def test_a_translation_whose_number_differs_is_an_error_naming_language_and_number(bot: Bot, content_dir: Path):
    path = content_dir / "th" / "work.permit.yml"
    edit(path, "7,600 بات", "7,500 بات")
    code, lines = check(bot, content_dir)
    messages_line = line_of(path, "messages:", line_of(path, "  ar:")) + 1  # the list under it
    where = rf"ERROR content/th/work\.permit\.yml:{messages_line} \[translations\.ar\.messages\]: "
    assert code == 1
    assert any(
        re.match(
            where + r"The ar translation lacks 7,600, which the English text has\. "
            r"Fix: Write 7,600 in the ar text exactly as in English\.",
            x,
        )
        for x in lines
    ), lines
    assert any(
        re.match(where + r"The ar translation has 7,500, which the English text does not have\.", x) for x in lines
    ), lines


def test_a_changed_phone_number_and_email_are_caught(bot: Bot, content_dir: Path):
    path = content_dir / "es-barcelona" / "safety.violence.yml"
    edit(path, "Teléfono de texto: 900 116 016", "Teléfono de texto: 900 116 061")
    edit(path, "E-mail 900900120@gencat.cat", "E-mail 900900121@gencat.cat")
    code, lines = check(bot, content_dir)
    found = [x for x in lines if x.startswith("ERROR content/es-barcelona/safety.violence.yml:")]
    assert code == 1
    assert any("[translations.es.messages]: The es translation lacks 900 116 016" in x for x in found), found
    assert any("[translations.es.messages]: The es translation has 900 116 061" in x for x in found), found
    assert any("[translations.fr.messages]: The fr translation lacks 900900120@gencat.cat" in x for x in found), found
    assert len(found) == 4, found


def test_warnings_alone_exit_0(bot: Bot, content_dir: Path):
    edit(content_dir / "th" / "work.permit.yml", "valid_until: 2027-02-13", "valid_until: 2020-01-31")
    edit(content_dir / "global" / "legal.aid.yml", "messages:\n      - ", "messages:\n      - " + "x" * 720 + " ")
    stamp(content_dir, None, "legal.aid", "global")  # the translations follow the longer English: not stale
    housing = content_dir / "global" / "housing.help.yml"
    recorded = re.search(r"source_hash: ([0-9a-f]{12})", housing.read_text(encoding="utf-8"))
    assert recorded is not None
    edit(housing, recorded.group(0), "source_hash: not-a-hash")
    code, lines = check(bot, content_dir)
    assert code == 0, lines
    assert any(
        x.startswith("WARNING content/th/work.permit.yml [valid_until]: Expired on 2020-01-31; not served.")
        for x in lines
    ), lines
    assert any(
        re.match(
            r"WARNING content/global/legal\.aid\.yml:\d+ \[translations\.en\.messages\.0\]: "
            r"Message is \d+ characters \(aim for under 700\)",
            x,
        )
        for x in lines
    ), lines
    assert any(
        re.match(
            r"WARNING content/global/housing\.help\.yml:\d+ \[translations\.es\.source_hash\]: "
            r"source_hash must be 12 hexadecimal characters",
            x,
        )
        for x in lines
    ), lines
    assert lines[-1] == (
        "0 errors, 3 warnings in 3 files. No errors: the content can be used; please look at the warnings."
    )


def test_stale_after_english_edit_and_stamp_clears_it(bot: Bot, content_dir: Path):
    stamped = bot("content", "stamp", "--content", str(content_dir))
    assert stamped.returncode == 0 and re.search(r"Stamped \d+ translations", stamped.stdout), stamped.stdout
    assert check(bot, content_dir)[0] == 0
    path = content_dir / "global" / "legal.aid.yml"
    en_line = line_of(path, "messages:", line_of(path, "  en:"))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[en_line] = lines[en_line].replace("- ", "- Changed. ", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = check(bot, content_dir)
    stale = [x for x in out if "Stale" in x]
    assert code == 0
    others = set(load_content(content_dir).language_codes) - {"en"}
    assert {re.search(r"translations\.(\w+)\.source_hash", x).group(1) for x in stale} == others
    ar_hash_line = line_of(path, "source_hash:", line_of(path, "  ar:"))
    assert (
        f"WARNING content/global/legal.aid.yml:{ar_hash_line} [translations.ar.source_hash]: Stale: the English "
        "text changed after the ar translation was made. Fix: Update the ar messages to match the English ones, "
        "then run: python -m bot content stamp --lang ar --topic legal.aid"
    ) in out
    bot("content", "stamp", "--content", str(content_dir), "--lang", "ar", "--topic", "legal.aid")
    still = [x for x in check(bot, content_dir)[1] if "Stale" in x]
    assert len(still) == len(others) - 1 and not any(".ar." in x for x in still)
    bot("content", "stamp", "--content", str(content_dir))
    assert check(bot, content_dir) == (0, ["Content OK: no errors, no warnings."])
