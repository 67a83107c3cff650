"""A broken NLU file stops `train` before any training, naming the file, the line and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.yamlfile import DataError
from bot.rasa.training import train
from tests.helpers.repo_copy import copy_training_inputs


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of what training reads (and the content it checks intents against)."""
    return copy_training_inputs(tmp_path)


def _errors(repo: Path) -> str:
    with pytest.raises(DataError) as caught:
        train(repo)
    assert not (repo / "models").exists()  # stopped before training
    return str(caught.value)


def test_an_unknown_intent_is_named_with_its_line(repo: Path):
    path = repo / "nlu_data" / "es" / "topics.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- intent: health.access", "- intent: health.acces", 1), encoding="utf-8")
    line = 1 + text[: text.index("- intent: health.access")].count("\n")
    message = _errors(repo)
    assert f"nlu_data/es/topics.yml:{line}" in message
    assert "'health.acces' is not a topic id" in message and "Fix: Use an id from content/topics.yml." in message


def test_broken_yaml_is_named_with_its_line(repo: Path):
    path = repo / "nlu_data" / "th" / "conversation.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    where = next(i for i, x in enumerate(lines) if x.strip().startswith("examples:"))
    lines[where] = lines[where].replace("examples:", "examples: [unclosed", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _errors(repo)
    assert "nlu_data/th/conversation.yml" in message and "Fix:" in message


def test_a_file_outside_a_language_folder_is_refused(repo: Path):
    shutil.copy(repo / "nlu_data" / "en" / "topics.yml", repo / "nlu_data" / "topics.yml")
    message = _errors(repo)
    assert "not a language of content/languages.yml" in message and "nlu_data/<language code>/" in message
