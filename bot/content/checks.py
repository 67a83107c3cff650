"""Every check content must pass to be served; `python -m bot content check` prints the same list.

Structure (load.py), facts consistent across translations, translations not stale, the leaflet's labels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.content.consistency import fact_problems
from bot.content.leaflet_spec import LEAFLET_FILE, load_spec
from bot.content.lines import LineFinder
from bot.content.load import check_content
from bot.content.model import Content
from bot.content.stale import stale_problems
from bot.content.yamlfile import DataError, Problem


@dataclass
class CheckResult:
    """The problems found, and the content as far as it could be loaded (None if not at all)."""

    problems: list[Problem]
    content: Content | None

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the assistant from using the content."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems worth a look that do not stop anything."""
        return [p for p in self.problems if p.severity != "error"]


def run_checks(content_dir: Path, today: dt.date | None = None) -> CheckResult:
    """The assistant's own content checks plus the editorial ones, sorted by file and line."""
    try:
        content, problems = check_content(content_dir, today)
    except DataError as exc:
        return CheckResult(list(exc.problems), None)
    lines = LineFinder(content_dir)
    for by_id in content.topics.values():
        for topic in by_id.values():
            problems = [*problems, *fact_problems(topic, lines), *stale_problems(topic, lines)]
    for alert in content.alerts.values():  # alerts: the same facts in every translation, like answers
        problems = [*problems, *fact_problems(alert.as_topic(), lines)]
    if (content_dir / LEAFLET_FILE).is_file():  # optional: only `content export` needs it
        problems = [*problems, *load_spec(content_dir, content)[1]]
    problems.sort(key=lambda p: (p.path, p.line or 0, p.field))
    return CheckResult(problems, content)
