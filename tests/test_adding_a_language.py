"""Adding a language is a data-only change: docs/adding-a-language.md followed on a copy, no Python touched.

Amharic is added the way the guide says (one line in languages.yml, UI strings, a translation in every
answer and hotline label, NLU examples); the copy then passes the content and training-data checks,
Amharic text is detected as Amharic (today it is an unsupported language), and the language menu offers it.
The English texts stand in for translations: what is checked is that nothing else is needed.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content.checks import run_checks
from bot.content.load import load_content
from bot.content.model import source_hash
from bot.detection.detector import LanguageDetector
from bot.rasa.training import check_nlu
from bot.replies import language_menu, language_payload
from tests.helpers.repo_copy import copy_training_inputs

AMHARIC_LINE = "  - {code: am, name: አማርኛ, direction: ltr, script: Ethiopic}\n"
AMHARIC_QUESTION = "እርዳታ እፈልጋለሁ"  # "I need help"


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _translate_topic(data: dict[str, Any]) -> None:
    english = data["translations"]["en"]
    data["translations"]["am"] = {
        "title": english["title"],
        "status": "machine_translation",
        "source_hash": source_hash(english["messages"]),
        "messages": english["messages"],
    }


def _translate_region(data: dict[str, Any]) -> None:
    data["name"]["am"] = data["name"]["en"]
    for hotline in data["hotlines"]:
        hotline["label"]["am"] = hotline["label"]["en"]


def _add_amharic(repo: Path) -> None:
    content = repo / "content"
    languages = content / "languages.yml"
    languages.write_text(languages.read_text(encoding="utf-8") + AMHARIC_LINE, encoding="utf-8")  # 1. one line
    shutil.copy(content / "ui" / "en.yml", content / "ui" / "am.yml")  # 2. UI strings
    for path in sorted(content.glob("*/*.yml")):  # 3. every answer and hotline label
        if path.parent.name != "ui":
            _edit(path, _translate_region if path.name == "region.yml" else _translate_topic)
    _edit(content / "leaflet.yml", lambda data: data["labels"].update(am=data["labels"]["en"]))  # the leaflet's words
    shutil.copytree(repo / "nlu_data" / "en", repo / "nlu_data" / "am")  # 4. NLU examples


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of what training reads (and the content it checks intents against)."""
    return copy_training_inputs(tmp_path)


def test_amharic_added_with_data_only(repo: Path):
    before = load_content(repo / "content", dt.date.today())
    detector = LanguageDetector(before.languages, repo / "nlu_data")
    assert detector.detect(AMHARIC_QUESTION).unsupported  # not a language of ours yet

    _add_amharic(repo)

    result = run_checks(repo / "content", dt.date.today())
    assert not result.errors, "\n".join(map(str, result.errors))
    assert not [p for p in check_nlu(repo) if p.severity != "warning"]
    content = result.content
    assert content is not None and content.language_codes[-1] == "am"
    detector = LanguageDetector(content.languages, repo / "nlu_data")
    assert detector.detect(AMHARIC_QUESTION).lang == "am"
    menu = language_menu(content, "en")
    assert ("አማርኛ", language_payload("am")) in [(b.title, b.payload) for b in menu.buttons]
    answer = content.topic("th", "work.rights")
    assert answer is not None and answer.translations["am"].messages == answer.translations["en"].messages


def test_a_language_line_without_its_data_is_refused_by_name(repo: Path):
    languages = repo / "content" / "languages.yml"
    languages.write_text(languages.read_text(encoding="utf-8") + AMHARIC_LINE, encoding="utf-8")
    result = run_checks(repo / "content", dt.date.today())
    report = "\n".join(map(str, result.errors))
    for missing in ("ui/am.yml", "global/health.access.yml", "th/region.yml", "leaflet.yml"):
        assert missing in report, report[:3000]
