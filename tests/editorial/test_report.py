"""`content report`: the matrix per region in HTML, and a Markdown summary whose counts match it."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.content.load import check_content
from bot.editorial.browser import screenshot
from bot.editorial.report import NO_HELPFULNESS, write_report
from bot.editorial.stamp import stamp
from bot.editorial.status import STATUSES
from tests.helpers.editing import Bot, edit, line_of

TODAY = dt.date(2026, 11, 26)


@pytest.fixture()
def varied(content_dir: Path) -> Path:
    """The content with one answer of every status: reviewed, stale, missing and expired besides the usual."""
    legal = content_dir / "global" / "legal.aid.yml"
    edit(legal, "status: draft", "status: reviewed\n    reviewed: 2026-11-20")
    stamp(content_dir, {"es"}, "legal.aid", "global")
    en_line = line_of(legal, "messages:", line_of(legal, "  en:"))
    lines = legal.read_text(encoding="utf-8").splitlines()
    lines[en_line] = lines[en_line].replace("- ", "- Changed. ", 1)
    legal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    health = content_dir / "es-barcelona" / "health.access.yml"
    text = health.read_text(encoding="utf-8")
    health.write_text(text[: text.index("\n  ar:")] + text[text.index("\n  th:") :], encoding="utf-8")
    edit(content_dir / "th" / "work.permit.yml", "valid_until: 2027-02-13", "valid_until: 2026-01-31")
    return content_dir


def _sections(page: str) -> dict[str, str]:
    parts = re.split(r'<section id="region-([\w-]+)">', page)[1:]
    return dict(zip(parts[::2], parts[1::2], strict=True))


def _markdown_counts(summary: str) -> dict[str, dict[str, Counter[str]]]:
    result: dict[str, dict[str, Counter[str]]] = {}
    for block in summary.split("\n## ")[1:]:
        region = re.search(r"\(`([\w-]+)`\)", block).group(1)
        rows = [line.strip("|").split("|") for line in block.splitlines() if line.startswith("| ")]
        langs = [x.strip() for x in rows[0][1:]]
        result[region] = {lang: Counter() for lang in langs}
        for row in rows[1:]:
            for lang, n in zip(langs, row[1:], strict=True):
                result[region][lang][row[0].strip()] = int(n)
    return result


def test_report_html_and_markdown(varied: Path, tmp_path: Path):
    html_path, md_path = write_report(varied, tmp_path / "report", TODAY)
    page, summary = html_path.read_text(encoding="utf-8"), md_path.read_text(encoding="utf-8")
    content, _ = check_content(varied, TODAY)
    sections = _sections(page)
    assert list(sections) == ["global", "es-barcelona", "th"]
    md_counts = _markdown_counts(summary)
    for region, section in sections.items():
        for topic_id in content.topic_ids:
            assert f"<code>{topic_id}</code>" in section, (region, topic_id)
        for lang in content.language_codes:
            assert f'<th data-lang="{lang}">' in section
        cells = re.findall(
            r'<td class="status-(\w+)" data-topic="([\w.]+)" data-lang="(\w+)" '
            r'data-status="\w+" lang="\w+" dir="(\w+)">',
            section,
        )
        assert len(cells) == len(content.topic_ids) * len(content.language_codes)
        assert all((d == "rtl") == (lang == "ar") for _, _, lang, d in cells)
        html_counts = {lang: Counter(s for s, _, cl, _ in cells if cl == lang) for lang in content.language_codes}
        assert {lang: +c for lang, c in md_counts[region].items()} == html_counts, region
        assert section.count('<td class="helpfulness">no data yet</td>') == len(content.topic_ids)
    assert md_counts["global"]["es"]["stale"] == 1 and md_counts["global"]["en"]["reviewed"] == 1
    assert md_counts["es-barcelona"]["ar"]["missing"] == 1
    assert md_counts["th"]["en"]["expired"] == 1
    for status in STATUSES:
        assert f'<td class="status-{status}"' in page, status
        assert f".status-{status} {{" in page
    own = len(list((varied / "es-barcelona").glob("*.yml"))) - 1  # without region.yml
    assert (
        f"26 topics, {own} answered by this pack's own files, {26 - own} by the general (global) answers." in summary
        and len(content.topic_ids) == 26
    )
    assert "- `legal.aid` es: stale" in summary and "- `health.access` ar: missing" in summary
    assert "reviewed 2026-11-20" in page and "العربية" in page and "ไทย" in page
    assert not re.search(r"<link|<script|<img|src=|url\(|@import", page)
    assert "error(s)" in page and "error(s)" in summary  # the missing Arabic text is an error


def test_report_command_writes_both_files(bot: Bot, content_dir: Path, tmp_path: Path):
    result = bot("content", "report", "--content", str(content_dir), "--output", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["content-report.html", "content-report.md"]
    assert "error(s)" not in (tmp_path / "out" / "content-report.html").read_text(encoding="utf-8")


def test_report_renders_in_headless_chromium(varied: Path, tmp_path: Path, chromium: Path):
    html_path, _ = write_report(varied, tmp_path / "report", TODAY)
    shot = screenshot(html_path, tmp_path / "report.png", 1400, 900)
    assert shot.exists() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank 1400×900 page compresses to a few kB


def test_report_shows_helpfulness_from_the_votes(content_dir: Path, tmp_path: Path):
    from bot.storage.feedback import Helpfulness

    votes = {("es-barcelona", "registration.municipal"): Helpfulness(3, 1)}
    html_path, md_path = write_report(content_dir, tmp_path / "report", TODAY, votes=votes)
    page = html_path.read_text(encoding="utf-8")
    assert "👍 3 · 👎 1 (75% helpful)" in page
    assert page.count(NO_HELPFULNESS) > 1  # the other answers have no votes yet
    assert "- `es-barcelona` `registration.municipal`: 👍 3 · 👎 1 (75% helpful)" in md_path.read_text(encoding="utf-8")


def _set_sources(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?ms)^sources:\n.*?(?=^translations:)", block, text, count=1), encoding="utf-8")


def test_report_shows_source_kinds_and_oldest_check_and_flags_checks_over_a_year_old(content_dir: Path, tmp_path: Path):
    today = dt.date(2026, 12, 2)
    _set_sources(
        content_dir / "th" / "work.permit.yml",
        "sources:\n"
        '  - url: https://nationthailand.com/news/general/1\n    checked: "2026-11"\n'
        '  - url: https://www.mol.go.th/en/news/1\n    checked: "2025-10"\n',
    )
    _set_sources(  # December 2025 is not yet more than a year before 2 December 2026: a month counts as its last day
        content_dir / "th" / "work.rights.yml",
        'sources:\n  - url: https://www.mol.go.th/en/news/2\n    checked: "2025-12"\n',
    )
    _set_sources(
        content_dir / "th" / "health.access.yml",
        "sources:\n  - url: https://nationthailand.com/news/general/2\n    checked: 2026-11-20\n",
    )
    _set_sources(  # the same day as health.access, but official: after it ("2026-11" is the 30th: later)
        content_dir / "th" / "health.emergency.yml",
        "sources:\n  - url: https://www.mol.go.th/en/news/3\n    checked: 2026-11-20\n",
    )
    _set_sources(
        content_dir / "th" / "safety.trafficking.yml",
        "sources:\n  - url: https://nationthailand.com/news/general/3\n    checked: 2026-11-20\n",
    )
    html_path, md_path = write_report(content_dir, tmp_path / "report", today)
    page = _sections(html_path.read_text(encoding="utf-8"))["th"]
    summary = md_path.read_text(encoding="utf-8").split("(`th`)", 1)[1]

    unreported = " **1 news source(s) not saying what they report**"

    def row(topic_id: str) -> str:
        return page.split(f"<code>{topic_id}</code>", 1)[1].split("</tr>", 1)[0]

    assert "sources: 1 official, 1 news; oldest check 2025-10" in row("work.permit")
    assert 'data-outdated="true"' in row("work.permit") and "checked more than 1 year ago" in row("work.permit")
    assert "sources: 1 official; oldest check 2025-12" in row("work.rights")
    assert 'data-outdated="false"' in row("work.rights") and "sources-flag" not in row("work.rights")
    assert "no official, UN or NGO source" in row("health.access")
    sources = summary.split("Sources (oldest check first):\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert (
        sources[0]
        == "- `work.permit`: 1 official, 1 news; oldest check 2025-10 **checked more than 1 year ago: re-check**"
        + unreported
    )
    assert sources[1] == "- `work.rights`: 1 official; oldest check 2025-12"
    assert sources[2:5] == [
        "- `health.access`: 1 news; oldest check 2026-11-20 **no official, UN or NGO source**" + unreported,
        "- `safety.trafficking`: 1 news; oldest check 2026-11-20 **no official, UN or NGO source**" + unreported,
        "- `health.emergency`: 1 official; oldest check 2026-11-20",
    ]
    assert all("oldest check 2026-11" in line for line in sources[5:]), sources
