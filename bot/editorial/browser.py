"""Headless Chromium for the editors' tools: print a self-contained HTML page to PDF, or screenshot it.

Debian's ``chromium`` package is used (``make install`` installs it with the
Noto fonts when run as root). Nothing is fetched: the pages have no external
resources and background networking is switched off.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser")
INSTALL_HINT = (
    "Install it with: sudo apt-get install chromium fonts-noto-core "
    "(or run make install as root), then try again. The HTML format needs no browser."
)
TIMEOUT_SECONDS = 120
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
)


class BrowserError(Exception):
    """Chromium is missing or failed; the message says what to do."""


def find_chromium() -> Path | None:
    """The Chromium executable on PATH (Debian: /usr/bin/chromium), or None."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _run(page: Path, *flags: str) -> None:
    chromium = find_chromium()
    if chromium is None:
        raise BrowserError(f"Chromium is not installed, so no PDF can be made. {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        try:
            done = subprocess.run(
                [str(chromium), *_FLAGS, f"--user-data-dir={profile}", *flags, page.resolve().as_uri()],
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BrowserError(f"Chromium did not finish within {TIMEOUT_SECONDS} s.") from None
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise BrowserError(f"Chromium failed (exit code {done.returncode}):\n{tail}")


def print_to_pdf(page: Path, pdf: Path) -> Path:
    """Print the HTML file page to pdf (paper size and margins from the page's @page CSS)."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.unlink(missing_ok=True)
    _run(page, f"--print-to-pdf={pdf.resolve()}", "--no-pdf-header-footer")
    if not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
        raise BrowserError(f"Chromium did not write a PDF to {pdf}.")
    return pdf


def screenshot(page: Path, png: Path, width: int = 1240, height: int = 1754) -> Path:
    """A PNG of the HTML file page as the browser shows it (default: an A4 page at 150 dpi)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    _run(page, f"--screenshot={png.resolve()}", f"--window-size={width},{height}")
    if not png.is_file():
        raise BrowserError(f"Chromium did not write a screenshot to {png}.")
    return png
