"""Sources people can trust: publishers and kinds from content/sources.yml, the deny list, the source line.

Each test edits a private copy of the content as an editor would, then loads it
with the assistant's own loader and composes answers with its own code.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from bot.content.checks import run_checks
from bot.content.leaflet_spec import load_spec
from bot.content.load import check_content, load_content
from bot.content.sources import KINDS, host, ranked
from bot.editorial.leaflet import compose
from bot.editorial.preview import render_preview
from bot.replies import topic_reply
from bot.settings import REPO
from tests.helpers.editing import edit, line_of

TODAY = dt.date(2026, 12, 2)
TOPIC = "th/work.permit.yml"

# a news page first, a forum second, the Ministry of Labour third: the ministry must be shown
MIXED = """sources:
  - url: https://nationthailand.com/news/general/40044829
    checked: "2026-11"
  - url: https://foros.elasesorlaboral.com/threads/example.1/
    checked: "2026-11"
  - url: https://www.mol.go.th/en/news/1694-hotline-launched-to-service-migrant-workers
    checked: "2026-10"
"""


@pytest.fixture()
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(REPO / "content", target)
    return target


def _set_sources(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?ms)^sources:\n.*?(?=^translations:)", block, text, count=1), encoding="utf-8")


def _problems(content_dir: Path, severity: str) -> list[str]:
    _, problems = check_content(content_dir, TODAY)
    return [str(p) for p in problems if p.severity == severity]


def test_every_real_source_has_a_known_publisher_and_kind():
    content = load_content(REPO / "content", TODAY)
    for topics in content.topics.values():
        for topic in topics.values():
            for source in topic.sources:
                assert source.kind in KINDS and source.publisher in content.publishers, (topic.path, source)


def test_a_deny_listed_document_host_is_an_error_naming_file_line_and_field(content_dir: Path):
    path = content_dir / TOPIC
    edit(path, "sources:\n", "sources:\n  - url: https://www.yumpu.com/en/document/view/1/x\n    checked: '2026-11'\n")
    errors = _problems(content_dir, "error")
    line = line_of(path, "yumpu.com")
    assert any(
        f"{TOPIC}:{line} [sources.0.url]" in p and "yumpu.com is on the deny list" in p and "Fix:" in p for p in errors
    ), errors


def test_editors_extend_the_deny_list_in_the_data_file(content_dir: Path):
    assert not _problems(content_dir, "error")
    sources = content_dir / "sources.yml"
    edit(sources, "  - {domain: nationthailand.com, kind: news, name: The Nation Thailand}\n", "")
    edit(sources, "deny:\n", "deny:\n  - nationthailand.com\n")
    errors = _problems(content_dir, "error")
    assert any(f"{TOPIC}:" in p and "nationthailand.com is on the deny list" in p for p in errors), errors


@pytest.mark.parametrize(
    "url",
    ["https://www.yumpu.com/x", "https://YUMPU.com:443/x", "https://issuu.com./x/docs/y", "http://es.yumpu.com/doc"],
)
def test_the_deny_list_covers_www_ports_final_dots_and_subdomains(content_dir: Path, url: str):
    path = content_dir / TOPIC
    edit(path, "sources:\n", f"sources:\n  - url: {url}\n    checked: '2026-11'\n")
    assert any(f"{TOPIC}:" in p and "is on the deny list" in p for p in _problems(content_dir, "error"))


def test_a_source_nobody_publishes_is_an_error_saying_where_to_add_it(content_dir: Path):
    edit(content_dir / TOPIC, "http://www.mekongmigration.org/?page_id=80", "https://unknown-site.example/page")
    errors = _problems(content_dir, "error")
    assert any(
        f"{TOPIC}:" in p and "Nobody in content/sources.yml publishes https://unknown-site.example/page" in p
        for p in errors
    ), errors


def test_a_publisher_name_missing_a_language_is_a_warning_and_english_is_shown(content_dir: Path):
    edit(content_dir / "sources.yml", "      km: ក្រសួងការងារ ប្រទេសថៃ\n", "")
    _set_sources(content_dir / TOPIC, MIXED)
    warnings = _problems(content_dir, "warning")
    assert any("sources.yml:" in p and "The name of mol.go.th is missing in km" in p for p in warnings), warnings
    assert not _problems(content_dir, "error")
    reply = topic_reply(load_content(content_dir, TODAY), "th", "km", "work.permit", TODAY)
    assert "Ministry of Labour, Thailand" in reply.messages[-1]


def _assert_news_only_warned(content_dir: Path, file: str) -> None:
    """Give file one news source only: content check warns (no error) that no official, UN or NGO source backs it."""
    _set_sources(
        content_dir / file, 'sources:\n  - url: https://nationthailand.com/news/general/1\n    checked: "2026-11"\n'
    )
    result = run_checks(content_dir, TODAY)
    assert not result.errors
    assert any(
        p.path.endswith(file) and p.field == "sources" and "No official, UN or established NGO source" in p.message
        for p in result.warnings
    ), result.warnings


def test_an_answer_without_official_un_or_ngo_source_gets_a_warning_and_is_still_served(content_dir: Path):
    _assert_news_only_warned(content_dir, TOPIC)
    assert load_content(content_dir, TODAY).topic("th", "work.permit") is not None


def test_a_source_of_kind_other_is_a_warning_naming_its_line_and_the_answer_is_still_served(content_dir: Path):
    assert not [p for p in _problems(content_dir, "warning") if "kind other" in p]  # the real content cites none
    path = content_dir / TOPIC
    _set_sources(path, MIXED)  # the forum is the second source
    assert not _problems(content_dir, "error")
    flagged = [p for p in _problems(content_dir, "warning") if "kind other" in p]
    line = line_of(path, "foros.elasesorlaboral.com")
    assert len(flagged) == 1 and f"{TOPIC}:{line} [sources.1]" in flagged[0], flagged
    assert "foros.elasesorlaboral.com" in flagged[0] and "Fix:" in flagged[0]
    assert load_content(content_dir, TODAY).topic("th", "work.permit") is not None


def test_a_news_source_that_does_not_say_what_it_reports_is_a_warning_naming_its_line(content_dir: Path):
    path = content_dir / TOPIC
    _set_sources(path, MIXED)  # the news page is the first source and says nothing of what it reports
    flagged = [p for p in _problems(content_dir, "warning") if "is news" in p and TOPIC in p]
    assert len(flagged) == 1 and f"{TOPIC}:{line_of(path, 'nationthailand.com')} [sources.0]" in flagged[0], flagged
    assert "reports:" in flagged[0]
    edit(path, "/40044829\n", "/40044829\n    reports: the 1694 line was launched in October 2026\n")
    assert not [p for p in _problems(content_dir, "warning") if "is news" in p and TOPIC in p]
    topic = load_content(content_dir, TODAY).topic("th", "work.permit")
    assert topic is not None and topic.sources[0].reports == "the 1694 line was launched in October 2026"


def test_a_kind_written_on_the_source_wins_over_its_publishers(content_dir: Path):
    _set_sources(
        content_dir / TOPIC,
        'sources:\n  - url: https://nationthailand.com/news/general/1\n    kind: other\n    checked: "2026-11"\n',
    )
    topic = load_content(content_dir, TODAY).topic("th", "work.permit")
    assert topic is not None and [s.kind for s in topic.sources] == ["other"]


def test_the_answer_shows_the_most_authoritative_source_by_publisher_in_the_persons_language(content_dir: Path):
    _set_sources(content_dir / TOPIC, MIXED)
    content = load_content(content_dir, TODAY)
    topic = content.topic("th", "work.permit")
    assert topic is not None and [s.kind for s in ranked(topic.sources)] == ["official", "news", "other"]
    url = "https://www.mol.go.th/en/news/1694-hotline-launched-to-service-migrant-workers"
    for lang, name in [("th", "กระทรวงแรงงาน"), ("en", "Ministry of Labour, Thailand"), ("my", "အလုပ်သမားဝန်ကြီးဌာန၊ ထိုင်း")]:
        reply = topic_reply(content, "th", lang, "work.permit", TODAY)
        expected = content.text(lang, "answer.source", publisher=name, checked="2026-10", url=url)
        assert reply.messages[-1].endswith(f"\n\n{expected}"), reply.messages[-1]
        assert "nationthailand" not in reply.messages[-1] and "foros." not in reply.messages[-1]
    assert "กระทรวงแรงงาน (ตรวจสอบเมื่อ 2026-10)" in topic_reply(content, "th", "th", "work.permit", TODAY).messages[-1]


def test_a_proper_name_stays_the_same_in_every_language(content_dir: Path):
    content = load_content(content_dir, TODAY)
    topic = content.topic("es-barcelona", "registration.municipal")
    assert topic is not None and host(ranked(topic.sources)[0].url).endswith("barcelona.cat")
    for lang in content.language_codes:
        assert "Ajuntament de Barcelona" in topic_reply(content, "es-barcelona", lang, topic.id, TODAY).messages[-1]


def test_the_leaflet_and_the_preview_show_the_same_source_line(content_dir: Path):
    _set_sources(content_dir / TOPIC, MIXED)
    content = load_content(content_dir, TODAY)
    line = topic_reply(content, "th", "km", "work.permit", TODAY).messages[-1].rsplit("\n\n", 1)[1]
    assert "ក្រសួងការងារ ប្រទេសថៃ" in line
    spec, _ = load_spec(content_dir, content)
    leaflet = compose(content, spec, "km", "th", TODAY)
    assert [a.source for a in leaflet.answers if a.topic_id == "work.permit"] == [line]
    assert line in render_preview(content, "work.permit", "km", "th", TODAY)


def test_an_unknown_kind_on_a_source_or_a_publisher_is_an_error(content_dir: Path):
    _set_sources(
        content_dir / TOPIC,
        'sources:\n  - url: https://www.mol.go.th/en/news/1\n    kind: government\n    checked: "2026-11"\n',
    )
    edit(content_dir / "sources.yml", "{domain: thaitimes.com, kind: news,", "{domain: thaitimes.com, kind: press,")
    errors = _problems(content_dir, "error")
    assert any(f"{TOPIC}:" in p and "[sources.0.kind]: Unknown kind 'government'" in p for p in errors), errors
    assert any("sources.yml:" in p and "Unknown kind 'press' for thaitimes.com" in p for p in errors), errors


ALERT = "alerts/th-2027-02-permit-renewal-deadline.yml"


def test_an_alert_citing_a_deny_listed_host_is_an_error_naming_file_line_and_field(content_dir: Path):
    path = content_dir / ALERT
    edit(path, "sources:\n", "sources:\n  - url: https://es.yumpu.com/document/view/1/x\n    checked: '2026-11'\n")
    errors = _problems(content_dir, "error")
    line = line_of(path, "yumpu.com")
    assert any(f"{ALERT}:{line} [sources.0.url]" in p and "yumpu.com is on the deny list" in p for p in errors), errors


def test_an_alert_source_nobody_publishes_is_an_error(content_dir: Path):
    edit(
        content_dir / ALERT, "sources:\n", "sources:\n  - url: https://unknown-site.example/a\n    checked: '2026-11'\n"
    )
    errors = _problems(content_dir, "error")
    assert any(
        f"{ALERT}:" in p and "Nobody in content/sources.yml publishes https://unknown-site.example/a" in p
        for p in errors
    ), errors


def test_an_alert_with_only_news_gets_a_warning_and_its_sources_their_kinds(content_dir: Path):
    _assert_news_only_warned(content_dir, ALERT)
    alert = load_content(content_dir, TODAY).alerts["th-2027-02-permit-renewal-deadline"]
    assert [(s.kind, s.publisher) for s in alert.sources] == [("news", "nationthailand.com")]
