"""Every callback_data the bot makes: the prefixes of its own buttons, and the codec for Telegram's 64 bytes.

Content buttons carry the content's payloads (bot/replies.py `content_payloads`); the bot's own
buttons start with one of the prefixes below and never reach the assistant.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable

FEEDBACK_PREFIX = "fb:"  # + 0|1 + ":" + language + ":" + topic: 👍 👎 under an answer
FORGET_YES = "tg:forget:yes"  # the answers to "delete everything?"
FORGET_NO = "tg:forget:no"
CLAIM = "hc:claim:"  # + case id: the staff card's buttons
CLOSE = "hc:close:"
TRANSFER = "hc:transfer:"
ROUTE = "hc:route:"  # + case id + ":" + language code or "supervisor": the transfer's choices
RATE = "hc:rate:"  # + case id + ":" + 1..5: the person's rating after the case closed
COMPLAINT_CANCEL = "cp:cancel"  # the Cancel button under a complaint's questions
STAFF_BUTTONS = (CLAIM, CLOSE, TRANSFER, ROUTE)
ALERT_TOGGLE = "al:t:"  # + topic id: a topic's toggle in the /alerts list
ALERT_ON = "al:on:"  # + topic id: "Tell me when this changes" under an answer
ALERT_OFF = "al:off:"  # + topic id: "Stop these alerts" under an alert
ALERT_BUTTONS = (ALERT_TOGGLE, ALERT_ON, ALERT_OFF)

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data
_SHORT_PREFIX = "#"


class CallbackPayloads:
    """Turn button payloads into callback_data under Telegram's 64-byte limit, and back.

    Short payloads are sent as they are; longer ones travel as a short id
    derived from the payload (a hash) and are looked up when the button is pressed.
    `known` gives every payload the content can make: a replica that did not issue
    a short id finds it among those, so no process needs to remember what it sent.
    """

    def __init__(self, known: Callable[[], Iterable[str]] | None = None) -> None:
        self._long: dict[str, str] = {}
        self._known = known

    def encode(self, payload: str) -> str:
        """The callback_data for a payload (always under 64 bytes)."""
        if not _too_long(payload):
            return payload
        key = _short_id(payload)
        self._long[key] = payload
        return key

    def decode(self, data: str) -> str | None:
        """The payload behind callback_data; None for a short id neither issued here nor made from the content."""
        if not data.startswith(_SHORT_PREFIX):
            return data
        if data not in self._long and self._known is not None:
            self._long.update((_short_id(p), p) for p in self._known() if _too_long(p))
        return self._long.get(data)


def _too_long(payload: str) -> bool:
    return len(payload.encode("utf-8")) >= MAX_CALLBACK_BYTES or payload.startswith(_SHORT_PREFIX)


def _short_id(payload: str) -> str:
    digest = hashlib.sha256(payload.encode("utf-8")).digest()
    return _SHORT_PREFIX + base64.urlsafe_b64encode(digest[:15]).decode("ascii")
