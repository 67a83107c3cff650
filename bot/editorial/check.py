"""`python -m bot content check`: every problem in content/, one line each, then a summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.content.checks import CheckResult, run_checks


def summary(result: CheckResult) -> str:
    """One closing line: how many errors and warnings, and what that means."""
    errors, warnings = len(result.errors), len(result.warnings)
    files = len({p.path for p in result.problems})
    if not result.problems:
        return "Content OK: no errors, no warnings."
    counts = (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} in {files} file"
        f"{'s' * (files != 1)}."
    )
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
