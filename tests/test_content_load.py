"""Content checks name the file, the line, the field and the fix; the store reloads safely."""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
from pathlib import Path

import pytest

from bot.content.load import load_content
from bot.content.store import ContentStore
from bot.content.yamlfile import DataError
from bot.settings import REPO


@pytest.fixture()
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(REPO / "content", target)
    return target


def _problems(content_dir: Path) -> list[str]:
    with pytest.raises(DataError) as exc:
        load_content(content_dir)
    return [str(p) for p in exc.value.problems if p.severity == "error"]


def test_the_real_content_loads():
    content = load_content(REPO / "content")
    assert content.topic("es-barcelona", "registration.municipal").region == "es-barcelona"
    assert content.topic("es-barcelona", "money.remittances").region == "global"


def test_yaml_syntax_error_names_file_and_line(content_dir: Path):
    path = content_dir / "global" / "legal.aid.yml"
    lines = path.read_text().splitlines()
    lines.insert(2, "related: [a, b")
    path.write_text("\n".join(lines))
    problem = _problems(content_dir)[0]
    assert re.search(r"global/legal\.aid\.yml:[34]:", problem) and "not valid YAML" in problem and "Fix:" in problem


def test_missing_translation_names_the_language(content_dir: Path):
    path = content_dir / "th" / "work.permit.yml"
    text = path.read_text()
    start = text.index("\n  my:")
    path.write_text(text[:start] + "\n")
    problems = _problems(content_dir)
    assert any("th/work.permit.yml" in p and "The my translation is missing" in p for p in problems), problems


def test_unknown_status_and_topic_id_are_reported_with_line(content_dir: Path):
    path = content_dir / "global" / "housing.help.yml"
    text = path.read_text().replace("status: draft", "status: finished", 1)
    path.write_text(text)
    (content_dir / "global" / "housing.typo.yml").write_text(text.replace("topic: housing.help", "topic: housing.typo"))
    problems = _problems(content_dir)
    assert any(
        "housing.help.yml:" in p and "translations.en.status" in p and "Unknown status" in p for p in problems
    ), problems
    assert any("housing.typo.yml" in p and "is not a topic id" in p for p in problems), problems


def test_ui_string_missing_or_placeholder_changed(content_dir: Path):
    path = content_dir / "ui" / "fr.yml"
    text = path.read_text()
    text = "\n".join(line for line in text.splitlines() if not line.startswith("button.back:"))
    text = text.replace("{number}", "{numero}", 1)
    path.write_text(text)
    problems = _problems(content_dir)
    assert any("ui/fr.yml" in p and "'button.back' is missing" in p for p in problems), problems
    assert any("ui/fr.yml" in p and "placeholders" in p for p in problems), problems


def test_expired_answer_is_a_warning_and_not_served(content_dir: Path):
    from bot.replies import topic_reply

    content = load_content(content_dir, dt.date(2099, 1, 1))
    expiring = [t for t in content.topics["th"].values() if t.valid_until]
    assert expiring, "the Thailand pack has answers with valid_until"
    assert any("Expired" in w for w in content.warnings)
    reply = topic_reply(content, "th", "en", expiring[0].id, dt.date(2099, 1, 1))
    assert content.text("en", "answer.updating") in reply.messages[0]
    assert "1694" in reply.messages[0]  # the region's hotlines instead


def test_store_picks_up_an_edit_and_refuses_a_broken_one(content_dir: Path):
    store = ContentStore(content_dir, check_every=0)
    path = content_dir / "global" / "community.participation.yml"
    assert store.current().topic("global", "community.participation") is not None
    text = path.read_text()
    old_title = store.current().topic("global", "community.participation").translations["en"].title
    path.write_text(text.replace(old_title, "Edited title for the test", 1))
    assert (
        store.current().topic("global", "community.participation").translations["en"].title
        == "Edited title for the test"
    )
    path.write_text("topic: [broken")
    assert (
        store.current().topic("global", "community.participation").translations["en"].title
        == "Edited title for the test"
    )
    assert store.last_error is not None and "community.participation.yml" in str(store.last_error)


def test_store_refuses_a_translation_whose_phone_number_differs(content_dir: Path, caplog: pytest.LogCaptureFixture):
    """A live edit that only `content check`'s consistency check catches keeps the old content served."""
    store = ContentStore(content_dir, check_every=0)
    topic = next(
        t
        for t in store.current().topics["global"].values()
        if "es" in t.translations
        and re.search(r"\d{3}", " ".join(t.translations["es"].messages))
        and re.search(r"\d{3}", " ".join(t.translations["en"].messages))
    )
    number = re.search(r"\d{3,}", " ".join(topic.translations["es"].messages)).group(0)
    served = store.current().topic("global", topic.id).translations["es"].messages
    path = content_dir / "global" / f"{topic.id}.yml"
    text = path.read_text(encoding="utf-8")
    es_at = text.index("\n  es:")
    changed = number[:-1] + str((int(number[-1]) + 1) % 10)
    path.write_text(text[:es_at] + text[es_at:].replace(number, changed, 1), encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        assert store.current().topic("global", topic.id).translations["es"].messages == served
    assert store.last_error is not None and f"lacks {number}" in str(store.last_error)
    assert any("Content change refused" in r.getMessage() for r in caplog.records)
