"""Logging that never writes phone numbers, e-mail addresses or document numbers."""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "<email>"),
    # document-like: letters and digits mixed, 6+ long (passports, NIE X1234567L)
    (re.compile(r"\b(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{6,}\b"), "<doc>"),
    # phone-like: 7+ digits, optionally with +, spaces, dots or dashes between
    (re.compile(r"\+?\d(?:[\s.\-]?\d){6,}"), "<number>"),
)


def scrub(text: str) -> str:
    """Replace phone numbers, e-mails and document-like numbers with placeholders."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


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
