"""Logging that never writes phone numbers, e-mail addresses or document numbers."""

from __future__ import annotations

import logging

from bot.scrub import scrub_patterns


def scrub(text: str) -> str:
    """Replace phone numbers, e-mails and document-like numbers with placeholders (see bot.scrub)."""
    return scrub_patterns(text)


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        return True


def install(level: int = logging.INFO) -> None:
    """Configure root logging with the scrubbing filter on every handler."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(ScrubFilter())
