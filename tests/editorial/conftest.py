"""Fixtures for the editors' tools: a private copy of content/ and the real command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.editorial.browser import INSTALL_HINT, find_chromium
from bot.settings import REPO
from tests.helpers.editing import Bot


@pytest.fixture()
def content_dir(tmp_path: Path) -> Path:
    """A copy of content/ the test may edit."""
    target = tmp_path / "content"
    shutil.copytree(REPO / "content", target)
    return target


@pytest.fixture()
def bot() -> Bot:
    """Run `python -m bot ARGS` as an editor would; return the finished process."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )

    return run


@pytest.fixture()
def chromium() -> Path:
    """Debian's chromium; skipped when it is missing, a failure when REQUIRE_BROWSER=1 (as in CI)."""
    found = find_chromium()
    if found is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but chromium is not installed. {INSTALL_HINT}")
        pytest.skip(
            "chromium is not installed (apt-get install chromium fonts-noto-core, or make install as "
            "root); set REQUIRE_BROWSER=1 to make this a failure"
        )
    return found
