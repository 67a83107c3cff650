"""Logging that never writes phone numbers, e-mail addresses, document numbers or secrets in URLs."""

from __future__ import annotations

import logging
import re

from bot.privacy.scrub import scrub_patterns

# token=…, secret=… in a URL's query (Rasa's HTTP API takes its token so): the value is hidden.
_SECRET_PARAMETER = re.compile(r"(?i)\b((?:token|access_token|secret|password|api_key)=)[^&\s'\"<>]+")
_FORMATTER = logging.Formatter()


def scrub(text: str) -> str:
    """Phone numbers, e-mails and document-like numbers as placeholders (privacy.scrub); secret URL values hidden."""
    return scrub_patterns(_SECRET_PARAMETER.sub(r"\1[hidden]", text))


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs every record's final message, its traceback included."""

    def filter(self, record: logging.LogRecord) -> bool:
        parts = [record.getMessage()]
        if record.exc_info:  # formatted here, so that the handler has nothing unscrubbed left to print
            parts.append(_FORMATTER.formatException(record.exc_info))
        elif record.exc_text:
            parts.append(record.exc_text)
        if record.stack_info:
            parts.append(record.stack_info)
        record.msg = scrub("\n".join(parts))
        record.args = ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def install(level: int = logging.INFO) -> None:
    """Configure root logging with the scrubbing filter on every handler."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(ScrubFilter())
