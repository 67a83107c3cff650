"""The curated answers as training examples (bot/nlu/content_examples.py) and the model fingerprint."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.content.load import load_content
from bot.nlu.content_examples import MIN_CHARS, content_examples, write_examples
from bot.rasa.training import inputs_hash
from bot.settings import REPO


def test_every_topic_gives_its_titles_and_sentences_in_every_language():
    content = load_content(REPO / "content")
    examples = content_examples(content)
    assert set(examples) == set(content.topic_ids)
    topic = content.topics["global"]["health.access"]
    for tr in topic.translations.values():
        assert tr.title in examples["health.access"]
    first_sentence = topic.translations["en"].messages[0].split(". ")[0] + "."
    assert first_sentence in examples["health.access"]
    for texts in examples.values():
        assert all(len(t) >= MIN_CHARS or t in _titles(content) for t in texts)
        assert not [t for t in texts if any(c in t for c in "[]{}")]  # Rasa would read them as entities


def _titles(content) -> set[str]:
    return {tr.title for topics in content.topics.values() for t in topics.values() for tr in t.translations.values()}


def test_the_written_file_is_read_by_rasa_as_the_same_examples(tmp_path: Path):
    examples = content_examples(load_content(REPO / "content"))
    data = RasaYAMLReader().read(write_examples(examples, tmp_path / "examples.yml"))
    read: dict[str, set[str]] = {}
    for message in data.intent_examples:
        read.setdefault(message.get("intent"), set()).add(message.get("text"))
    assert read == {topic: set(texts) for topic, texts in examples.items()}


def test_a_changed_sentence_retrains_and_a_changed_source_does_not(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    before = inputs_hash(REPO, content)
    path = content / "global" / "health.access.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["sources"][0]["checked"] = "2026-12"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert inputs_hash(REPO, content) == before
    doc["translations"]["en"]["messages"][0] += " Ask at the health centre which papers you need."
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert inputs_hash(REPO, content) != before
