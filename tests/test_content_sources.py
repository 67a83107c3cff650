"""Content against the research brief: no phone number, amount or source that the brief does not give.

The brief (`../shared/content-brief.md`) lists the researched facts with their
sources. An answer may only publish a number the brief gives, and only cite a
URL the brief lists or that docs/sources.md records as re-sourced (the official
page that replaced a weak one, with the date it was checked); the English text is
compared here, the translations are held to English by `content check`
(bot.content.facts).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.content.facts import extract_facts
from bot.content.load import load_content
from bot.settings import REPO

BRIEF = REPO.parent / "shared" / "content-brief.md"
RESOURCED = REPO / "docs" / "sources.md"


@pytest.fixture(scope="module")
def brief_facts() -> set[str]:
    if not BRIEF.exists():
        pytest.skip("../shared/content-brief.md is not beside this checkout")
    text = BRIEF.read_text(encoding="utf-8")
    # "1.5 million" in the brief is the 1,500,000 an answer may write
    text = re.sub(r"(\d+(?:\.\d+)?) million", lambda m: f"{round(float(m.group(1)) * 1_000_000):,}", text)
    return set(extract_facts(text))


@pytest.fixture(scope="module")
def content():
    return load_content(REPO / "content", dt.date.today())


def _english_texts(content):
    for region in content.regions.values():
        for hotline in region.hotlines:
            yield f"content/{region.id}/region.yml", hotline.number
        yield f"content/{region.id}/region.yml", region.emergency
    for topics in content.topics.values():
        for topic in topics.values():
            english = topic.translations["en"]
            for text in (english.title, *english.messages):
                yield topic.path, text


def test_every_number_published_is_in_the_brief(content, brief_facts):
    invented = {
        (path, fact.shown)
        for path, text in _english_texts(content)
        for key, fact in extract_facts(text).items()
        if key.startswith("number:") and key not in brief_facts
    }
    assert not invented, f"numbers the brief does not give: {sorted(invented)}"


def test_every_source_url_is_one_the_brief_or_the_resourcing_record_lists(content, brief_facts):
    recorded = brief_facts | set(extract_facts(RESOURCED.read_text(encoding="utf-8")))
    unknown = {
        (topic.path, source.url)
        for topics in content.topics.values()
        for topic in topics.values()
        for source in topic.sources
        if not set(extract_facts(source.url)) <= recorded
    }
    assert not unknown, f"sources neither the brief nor docs/sources.md lists: {sorted(unknown)}"


def test_every_answer_cites_a_dated_source(content):
    for topics in content.topics.values():
        for topic in topics.values():
            assert topic.sources, f"{topic.path}: no source"
            for source in topic.sources:  # the month or day it was checked
                assert re.fullmatch(r"20\d\d-[01]\d(-[0-3]\d)?", source.checked), (topic.path, source)
