"""`python -m bot content gaps`: the questions the assistant could not answer well, grouped for editors.

The Telegram bot keeps typed questions that ended in the fallback, in an answer
with low confidence or in a 👎, scrubbed of numbers, e-mails and names
(bot.telegram.features.feedback). Here they are grouped by language and nearest topic,
the most frequent group first, as CSV (for a spreadsheet) or a self-contained
HTML page, so editors see what to write next.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from bot.storage.feedback import REASONS, Question

if TYPE_CHECKING:
    from bot.storage.db import Database

NO_TOPIC = "(none)"
CSV_COLUMNS = ("language", "nearest_topic", "count", *REASONS, "first_day", "last_day", "questions")


@dataclass
class Group:
    """The questions of one language whose nearest topic is the same."""

    language: str
    nearest_topic: str
    questions: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    days: list[dt.date] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many questions the group holds."""
        return sum(self.questions.values())

    def texts(self) -> list[str]:
        """The distinct questions, most frequent first, with "(×n)" when asked more than once."""
        return [f"{text} (×{n})" if n > 1 else text for text, n in self.questions.most_common()]


def group_questions(questions: list[Question]) -> list[Group]:
    """Groups by language and nearest topic, most frequent first (then by language and topic)."""
    groups: dict[tuple[str, str], Group] = {}
    for q in questions:
        g = groups.setdefault((q.language, q.nearest_topic), Group(q.language, q.nearest_topic or NO_TOPIC))
        g.questions[q.text] += 1
        g.reasons[q.reason] += 1
        g.days.append(q.day)
    return sorted(groups.values(), key=lambda g: (-g.count, g.language, g.nearest_topic))


def render_csv(groups: list[Group]) -> str:
    """One row per group; the questions in one cell, separated by " | "."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for g in groups:
        writer.writerow(
            [
                g.language,
                g.nearest_topic,
                g.count,
                *(g.reasons[r] for r in REASONS),
                min(g.days),
                max(g.days),
                " | ".join(g.texts()),
            ]
        )
    return out.getvalue()


_CSS = """
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; margin: 1.5rem; color: #1a1a1a; }
table { border-collapse: collapse; } th, td { border: 1px solid #bbb; padding: .3rem .45rem; vertical-align: top; }
thead th { background: #eee; } td.count { text-align: right; font-weight: bold; }
ul { margin: 0; padding-left: 1.2rem; }
.meta { color: #555; font-size: .8rem; }
"""


def render_html(groups: list[Group], today: dt.date, since: dt.date | None = None) -> str:
    """A self-contained page: one table row per group, its questions listed in their own script direction."""
    period = f"since {since}" if since else "all kept questions"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Unanswered questions {today}</title><style>{_CSS}</style></head><body>",
        f'<h1>Unanswered questions</h1><p class="meta">Made on {today}, {period}. Reasons: fallback (not '
        "understood), low_confidence (answered, but unsure), not_helpful (👎). Numbers, e-mails and names "
        "were removed before storing.</p>",
    ]
    if not groups:
        out.append("<p>No unanswered questions stored.</p>")
    else:
        out.append(
            "<table><thead><tr><th>language</th><th>nearest topic</th><th>count</th><th>reasons</th>"
            "<th>days</th><th>questions</th></tr></thead><tbody>"
        )
        for g in groups:
            reasons = ", ".join(f"{r} {g.reasons[r]}" for r in REASONS if g.reasons[r])
            items = "".join(f'<li dir="auto">{escape(t)}</li>' for t in g.texts())
            out.append(
                f'<tr data-lang="{escape(g.language)}" data-topic="{escape(g.nearest_topic)}">'
                f"<td>{escape(g.language)}</td><td><code>{escape(g.nearest_topic)}</code></td>"
                f'<td class="count">{g.count}</td><td>{escape(reasons)}</td>'
                f'<td>{min(g.days)} – {max(g.days)}</td><td lang="{escape(g.language)}"><ul>{items}</ul></td>'
                "</tr>"
            )
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out)


def database_url() -> str:
    """DATABASE_URL, else the Telegram bot's default SQLite file (var/assistant.db, or in VAR_DIR)."""
    from bot.settings import StorageSettings

    return StorageSettings.from_env().database_url


def open_database(url: str | None = None) -> Database | None:
    """The Database at url (default: database_url()), or None when it is a SQLite file that does not exist."""
    from sqlalchemy.engine.url import make_url

    from bot.storage.db import Database

    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).is_file():
        return None
    return Database(url)


def gaps_main(since: dt.date | None, fmt: str, output: Path | None, url: str | None = None) -> int:
    """Print or write the grouped unanswered questions; return the exit code."""
    from bot.storage.db import OUTAGES, outage_reason
    from bot.storage.feedback import questions

    db = open_database(url)
    found: list[Question] = []
    if db is not None:
        try:
            found = questions(db, since)
        except OUTAGES as error:
            print(f"The database is unavailable: {outage_reason(error)}", file=sys.stderr)
            return 1
        finally:
            db.close()
    groups = group_questions(found)
    text = render_csv(groups) if fmt == "csv" else render_html(groups, dt.date.today(), since)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        print(f"Wrote {output} ({len(groups)} groups, {len(found)} questions)")
    return 0
