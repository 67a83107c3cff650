"""`python -m bot content report`: an HTML page and a Markdown summary of the state of the content.

The HTML page is self-contained (inline CSS, no scripts, no fonts or images to
fetch) so it can be mailed or opened offline. Helpfulness per answer (👍/👎 in
Telegram, all languages together) comes from the bot's database (DATABASE_URL,
else the default SQLite file) when it has votes; otherwise the column says so.
"""

from __future__ import annotations

import datetime as dt
import sys
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.load import check_content
from bot.content.model import GLOBAL, Content, Topic
from bot.content.yamlfile import DataError
from bot.editorial.alert_report import alerts_html, alerts_markdown
from bot.editorial.source_quality import recheck_order, source_quality
from bot.editorial.status import STATUS_LABELS, STATUSES, RegionMatrix, Row, region_matrices

if TYPE_CHECKING:
    from bot.storage.feedback import Helpfulness

Votes = dict[tuple[str, str], "Helpfulness"]  # (region, topic) → 👍/👎 counts

NO_HELPFULNESS = "no data yet"
HTML_NAME = "content-report.html"
MARKDOWN_NAME = "content-report.md"

_CSS = """
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 1.5rem; color: #1a1a1a; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #bbb; padding: .3rem .45rem; vertical-align: top; font-size: .8rem; }
thead th { background: #eee; position: sticky; top: 0; }
th[scope=row] { text-align: left; font-weight: normal; max-width: 14rem; }
.meta, .date { color: #555; font-size: .7rem; }
.title { font-weight: bold; }
.status { display: inline-block; padding: .1rem .4rem; border-radius: .2rem; margin: .1rem; }
.status-reviewed { background: #c8e6c9; }
.status-machine_translation { background: #fff3b0; }
.status-draft { background: #ffd8a8; }
.status-stale { background: #e1bee7; }
.status-missing { background: #ef9a9a; }
.status-expired { background: #616161; color: #fff; }
.status-expired .meta, .status-expired .date { color: #ddd; }
.helpfulness { color: #777; font-style: italic; }
.warning { background: #fff3b0; padding: .5rem; border: 1px solid #e0c040; }
.sources-flag { color: #b00020; font-weight: bold; }
"""


def _sources_html(topic: Topic, today: dt.date) -> str:
    quality = source_quality(topic, today)
    flags = "".join(f' <span class="sources-flag">{escape(f)}</span>' for f in quality.flags())
    outdated = str(quality.outdated).lower()
    return f'<span class="sources" data-outdated="{outdated}">sources: {escape(quality.summary())}</span>{flags}'


def _row_header(row: Row, today: dt.date) -> str:
    meta = []
    if row.topic is not None:
        meta.append("general answer (global)" if row.inherited else f"{escape(row.topic.region)} answer")
        meta.append(_sources_html(row.topic, today))
        if row.topic.valid_until:
            meta.append(f"valid until {row.topic.valid_until}")
    return f'<th scope="row"><code>{escape(row.topic_id)}</code><div class="meta">{" · ".join(meta)}</div></th>'


def _cell_html(content: Content, row: Row, lang: str) -> str:
    c = row.cells[lang]
    direction = next((x.direction for x in content.languages if x.code == lang), "ltr")
    parts = [f'<div class="title">{escape(c.title)}</div>'] if c.title else []
    parts.append(f'<div class="label">{STATUS_LABELS[c.status]}</div>')
    if c.reviewed:
        parts.append(f'<div class="date">reviewed {escape(c.reviewed)}</div>')
    return (
        f'<td class="status-{c.status}" data-topic="{escape(row.topic_id)}" data-lang="{escape(lang)}" '
        f'data-status="{c.status}" lang="{escape(lang)}" dir="{direction}">{"".join(parts)}</td>'
    )


def _counts_html(matrix: RegionMatrix) -> str:
    counts = matrix.counts()
    head = "".join(f"<th>{escape(lang)}</th>" for lang in matrix.langs)
    body = "".join(
        f'<tr><th scope="row"><span class="status status-{s}">{STATUS_LABELS[s]}</span></th>'
        + "".join(f"<td>{counts[lang][s]}</td>" for lang in matrix.langs)
        + "</tr>"
        for s in STATUSES
    )
    return f'<table class="counts"><thead><tr><th>status</th>{head}</tr></thead><tbody>{body}</tbody></table>'


def _helpfulness(votes: Votes | None, region: str, topic_id: str) -> str:
    found = (votes or {}).get((region, topic_id))
    return str(found) if found else NO_HELPFULNESS


def render_html(
    content: Content, matrices: list[RegionMatrix], today: dt.date, errors: int = 0, votes: Votes | None = None
) -> str:
    """The whole report page."""
    names = {x.code: x.name for x in content.languages}
    legend = " ".join(f'<span class="status status-{s}">{STATUS_LABELS[s]}</span>' for s in STATUSES)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Content report {today}</title><style>{_CSS}</style></head><body>",
        f"<h1>Content report</h1><p>Made on {today}. Statuses: {legend}</p>",
    ]
    if errors:
        out.append(
            f'<p class="warning">The content has {errors} error(s): the assistant refuses it until they '
            "are fixed. Run <code>python -m bot content check</code>.</p>"
        )
    out.append(alerts_html(content, today))  # before the regions: short, and what is about to be sent
    for m in matrices:
        head = "".join(
            f'<th data-lang="{escape(lang)}">{escape(names[lang])}<br><code>{escape(lang)}</code></th>'
            for lang in m.langs
        )
        out.append(
            f'<section id="region-{escape(m.region)}"><h2>{escape(m.name)} <code>{escape(m.region)}</code>'
            f"</h2>{_counts_html(m)}"
        )
        out.append(f'<table class="matrix"><thead><tr><th>topic</th>{head}<th>helpfulness</th></tr></thead><tbody>')
        for row in m.rows:
            cells = "".join(_cell_html(content, row, lang) for lang in m.langs)
            helpfulness = escape(_helpfulness(votes, m.region, row.topic_id))
            out.append(f'<tr>{_row_header(row, today)}{cells}<td class="helpfulness">{helpfulness}</td></tr>')
        out.append("</tbody></table></section>")
    out.append("</body></html>")
    return "\n".join(out)


def render_markdown(
    matrices: list[RegionMatrix],
    today: dt.date,
    errors: int = 0,
    votes: Votes | None = None,
    content: Content | None = None,
) -> str:
    """A short summary: status counts per language and region, and the answers that need work."""
    out = [f"# Content report ({today})", ""]
    if errors:
        out += [f"**The content has {errors} error(s)**: run `python -m bot content check`.", ""]
    if not votes:
        out += [f"Helpfulness per answer: {NO_HELPFULNESS}.", ""]
    else:
        out += ["Helpfulness per answer (fewest helpful first):", ""]
        out += [
            f"- `{region}` `{topic}`: {v}"
            for (region, topic), v in sorted(votes.items(), key=lambda kv: (kv[1].helpful / kv[1].total, kv[0]))
        ]
        out.append("")
    out += alerts_markdown(content, today)  # before the regions
    for m in matrices:
        counts = m.counts()
        own = sum(1 for row in m.rows if row.topic is not None and row.topic.region == m.region)
        out += [
            f"## {m.name} (`{m.region}`)",
            "",
            f"{len(m.rows)} topics, {own} answered by this pack's own files"
            + ("" if m.region == GLOBAL else f", {len(m.rows) - own} by the general (global) answers")
            + ".",
            "",
            "| status | " + " | ".join(m.langs) + " |",
            "|---|" + "---|" * len(m.langs),
        ]
        out += [f"| {s} | " + " | ".join(str(counts[lang][s]) for lang in m.langs) + " |" for s in STATUSES]
        attention = [
            f"- `{row.topic_id}` {lang}: {row.cells[lang].status}"
            for row in m.rows
            for lang in m.langs
            if row.cells[lang].status in ("stale", "missing", "expired")
        ]
        out += ["", "Needs attention:" if attention else "Nothing stale, missing or expired.", *attention, ""]
        out += _sources_markdown(m, today)
    return "\n".join(out)


def _sources_markdown(matrix: RegionMatrix, today: dt.date) -> list[str]:
    """This pack's own answers by source quality: oldest check first, then those without a trusted source."""
    own = [row.topic for row in matrix.rows if row.topic is not None and row.topic.region == matrix.region]
    if not own:
        return []
    rated = sorted(((source_quality(t, today), t) for t in own), key=lambda qt: recheck_order(qt[0], qt[1].id))
    out = ["Sources (oldest check first):"]
    for quality, topic in rated:
        flags = "".join(f" **{f}**" for f in quality.flags())
        out.append(f"- `{topic.id}`: {quality.summary()}{flags}")
    return [*out, ""]


def write_report(
    content_dir: Path, output: Path, today: dt.date | None = None, votes: Votes | None = None
) -> tuple[Path, Path]:
    """Write the HTML page and the Markdown summary into output; return their paths."""
    today = today or dt.date.today()
    content, problems = check_content(content_dir, today)
    errors = sum(p.severity == "error" for p in problems)
    matrices = region_matrices(content, today)
    output.mkdir(parents=True, exist_ok=True)
    html_path, md_path = output / HTML_NAME, output / MARKDOWN_NAME
    html_path.write_text(render_html(content, matrices, today, errors, votes), encoding="utf-8")
    md_path.write_text(render_markdown(matrices, today, errors, votes, content), encoding="utf-8")
    return html_path, md_path


def stored_votes() -> Votes:
    """The 👍/👎 counts in the bot's database; empty if it has none or cannot be read (said on stderr)."""
    from bot.editorial.gaps import open_database
    from bot.storage.db import OUTAGES, outage_reason
    from bot.storage.feedback import helpfulness

    db = open_database()
    if db is None:
        return {}
    try:
        return helpfulness(db)
    except OUTAGES as error:
        print(f"Helpfulness left out: the database is unavailable: {outage_reason(error)}", file=sys.stderr)
        return {}
    finally:
        db.close()


def report_main(content_dir: Path, output: Path) -> int:
    """Write the report and say where; return the exit code."""
    try:
        paths = write_report(content_dir, output, votes=stored_votes())
    except DataError as exc:
        print(exc)
        print("Cannot make the report: fix languages.yml / topics.yml first.")
        return 1
    for path in paths:
        print(f"Wrote {path}")
    return 0
