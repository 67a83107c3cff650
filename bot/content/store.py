"""Serve the current content; pick up edits without restart, keep the last good version."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path

from bot.content.checks import run_checks
from bot.content.load import fingerprint
from bot.content.model import Content
from bot.content.yamlfile import DataError

log = logging.getLogger(__name__)


class ContentStore:
    """Holds the content and reloads it when a file changes.

    A change that fails the checks is refused: the error is logged and the last
    good content stays in use, so people never see broken content. The checks
    are those of `python -m bot content check` (bot.editorial.check), so a
    translation whose phone number differs from English is refused too.
    """

    def __init__(self, content_dir: Path, check_every: float = 1.0):
        self.dir = content_dir
        self.check_every = check_every
        self._lock = threading.Lock()
        self._content: Content | None = None
        self._checked_at = 0.0
        self._refused: str = ""
        self.last_error: DataError | None = None

    def current(self) -> Content:
        """The content to serve now (loads it the first time; raises if it never loaded)."""
        now = time.monotonic()
        with self._lock:
            if self._content is None or now - self._checked_at >= self.check_every:
                self._checked_at = now
                self._maybe_reload()
            assert self._content is not None
            return self._content

    def _maybe_reload(self) -> None:
        stamp = fingerprint(self.dir)
        if self._content is not None and stamp in (self._content.fingerprint, self._refused):
            return
        result = run_checks(self.dir, dt.date.today())  # never raises DataError: it returns the problems
        if result.errors or result.content is None:
            exc = DataError(result.errors)
            self.last_error = exc
            if self._content is None:
                raise exc
            self._refused = stamp
            log.error("Content change refused, still serving the last good content:\n%s", exc)
            return
        content = result.content
        if self._content is not None:
            log.info("Content reloaded (%d regions).", len(content.topics))
        self._content, self._refused, self.last_error = content, "", None
