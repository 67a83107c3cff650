"""What editors' tool tests share: the command-line runner's type, editing a content file, finding a line."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

Bot = Callable[..., subprocess.CompletedProcess[str]]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a content file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str, start: int = 0) -> int:
    """The 1-based number of the first line at or after start that contains needle."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number > start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")
