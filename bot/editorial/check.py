"""`python -m bot content check`: every problem in content/, one line each, then a summary."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.content_load import check_content
from bot.content_model import Content
from bot.editorial.consistency import fact_problems
from bot.editorial.leaflet_spec import LEAFLET_FILE, load_spec
from bot.editorial.lines import LineFinder
from bot.editorial.stale import stale_problems
from bot.yamlfile import DataError, Problem


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
    if (content_dir / LEAFLET_FILE).is_file():  # optional: only `content export` needs it
        problems = [*problems, *load_spec(content_dir, content)[1]]
    problems.sort(key=lambda p: (p.path, p.line or 0, p.field))
    return CheckResult(problems, content)


def summary(result: CheckResult) -> str:
    """One closing line: how many errors and warnings, and what that means."""
    errors, warnings = len(result.errors), len(result.warnings)
    files = len({p.path for p in result.problems})
    if not result.problems:
        return "Content OK: no errors, no warnings."
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} in {files} file" \
             f"{'s' * (files != 1)}."
    if errors:
        return f"{counts} The assistant refuses content with errors: fix them and run the check again."
    return f"{counts} No errors: the content can be used; please look at the warnings."


def check_main(content_dir: Path, today: dt.date | None = None) -> int:
    """Print every problem and a summary; return 1 if there are errors, else 0."""
    result = run_checks(content_dir, today)
    for problem in result.problems:
        print(problem)
    print(summary(result))
    return 1 if result.errors else 0
