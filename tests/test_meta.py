"""Meta-tests: topics, content, NLU data, domain, rules, actions and UI strings stay in step."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot.content.load import load_content
from bot.rasa.training import MIN_EXAMPLES
from bot.settings import REPO
from tests.helpers.code_ids import ui_ids_used

SHARED_TOPICS = REPO.parent / "shared" / "topics.yml"


@pytest.fixture(scope="module")
def content():
    return load_content(REPO / "content", dt.date.today())


def _ids_by_section(text: str) -> dict[str, list[str]]:
    """Read ids line by line: the shared file is not strictly valid YAML (an unquoted ': ')."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if re.match(r"^[a-z_]+:\s*$", line):
            current = line.rstrip(": \n")
            sections[current] = []
        elif current and (m := re.match(r"^  ([a-z_.]+):", line)):
            sections[current].append(m.group(1))
    return sections


def test_topic_ids_match_the_shared_taxonomy(content):
    if not SHARED_TOPICS.exists():
        pytest.skip("../shared/topics.yml is not beside this checkout")
    shared = _ids_by_section(SHARED_TOPICS.read_text(encoding="utf-8"))
    assert content.topic_ids == shared["content_topics"]
    assert content.conversation_intents == shared["conversation_intents"]


def test_every_topic_has_content_in_every_language_of_every_region(content):
    assert set(content.regions) >= {"global", "es-barcelona", "th"}
    for region in content.regions:
        for tid in content.topic_ids:
            topic = content.topic(region, tid)
            assert topic is not None, f"{region}: no content for {tid}"
            missing = set(content.language_codes) - set(topic.translations)
            assert not missing, f"{topic.path}: missing {sorted(missing)}"


def test_region_files_cover_every_language(content):
    for topics in content.topics.values():
        for topic in topics.values():
            assert set(topic.translations) == set(content.language_codes), topic.path


def _nlu_examples(lang: str, root: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in sorted(root.glob(f"{lang}/*.yml")) if root.name == "nlu_data" else [root / f"{lang}.yml"]:
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            ex = [x[2:].strip() for x in block["examples"].splitlines() if x.strip().startswith("- ")]
            out.setdefault(block["intent"], []).extend(ex)
    return out


def test_every_intent_has_enough_examples_in_every_language(content):
    intents = content.topic_ids + content.conversation_intents
    for lang in content.language_codes:
        examples = _nlu_examples(lang, REPO / "nlu_data")
        for intent in intents:
            assert len(examples.get(intent, [])) >= MIN_EXAMPLES, f"{lang}/{intent}: too few examples"
        assert set(examples) <= set(intents), f"{lang}: unknown intents {set(examples) - set(intents)}"


def test_held_out_sets_exist_and_never_overlap_training(content):
    for lang in content.language_codes:
        train = {x.lower() for xs in _nlu_examples(lang, REPO / "nlu_data").values() for x in xs}
        test = _nlu_examples(lang, REPO / "tests" / "nlu")
        assert set(test) == set(content.topic_ids + content.conversation_intents), lang
        overlap = {x for xs in test.values() for x in xs if x.lower() in train}
        assert not overlap, f"{lang}: held-out examples also in training: {sorted(overlap)[:5]}"


def test_domain_intents_are_the_topics_and_conversation_intents(content):
    domain = yaml.safe_load((REPO / "domain.yml").read_text())
    assert domain["intents"] == content.topic_ids + content.conversation_intents


def test_every_intent_has_a_rule(content):
    rules = yaml.safe_load((REPO / "data" / "rules.yml").read_text())["rules"]
    ruled = {step["intent"] for r in rules for step in r["steps"] if "intent" in step}
    assert ruled == set(content.topic_ids + content.conversation_intents) | {"nlu_fallback"}


def test_domain_actions_and_action_classes_match():
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    domain = yaml.safe_load((REPO / "domain.yml").read_text())
    assert set(domain["actions"]) == set(executor.actions)
    rules = yaml.safe_load((REPO / "data" / "rules.yml").read_text())["rules"]
    used = {step["action"] for r in rules for step in r["steps"] if "action" in step}
    assert used <= set(domain["actions"])


def test_every_ui_string_used_in_code_exists_in_every_language(content):
    prefixes = {sid.split(".")[0] for sid in content.ui["en"]}
    used = ui_ids_used(prefixes, REPO / "bot", REPO / "actions")
    assert "greeting" in used and "error.unavailable" in used  # the scan finds real ids
    used |= {f"menu.category.{c.id}" for c in content.menu}
    for lang in content.language_codes:
        missing = used - set(content.ui[lang])
        assert not missing, f"ui/{lang}.yml lacks {sorted(missing)}"


def test_every_topic_is_in_the_menu_once(content):
    listed = [t for c in content.menu for t in c.topics]
    assert sorted(listed) == sorted(content.topic_ids)


def test_messages_fit_telegram_and_aim_short(content):
    for topics in content.topics.values():
        for topic in topics.values():
            for lang, tr in topic.translations.items():
                for m in tr.messages:
                    assert len(m) < 4096, f"{topic.path} {lang}"
                    assert len(m) <= 700, f"{topic.path} {lang}: {len(m)} characters"


def test_no_unconfirmed_facts_published(content):
    banned = ["1506", "3,650", "3650"]  # marked UNCONFIRMED in the research brief
    for topics in content.topics.values():
        for topic in topics.values():
            for tr in topic.translations.values():
                for m in tr.messages:
                    for b in banned:
                        assert b not in m, f"{topic.path}: publishes unconfirmed {b}"
