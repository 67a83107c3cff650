"""The lifecycle of a case (drawn in lifecycle.mmd): states, events, kinds, and what a case holds.

A case is opened for a person (by pseudonym), queued until a rostered staff member claims
it, and closed by staff or by the person (`/bot`). Its storage: cases.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

SUPERVISOR = "supervisor"  # a route: the case goes to supervisors, whatever its language
# Media kinds of case messages (a Telegram Message attribute each), and those that carry a caption.
MEDIA_KINDS = ("photo", "document", "voice", "audio", "video", "video_note", "sticker")
CAPTIONED = frozenset({"photo", "document", "voice", "audio", "video"})


class State(str, Enum):
    """Where a case stands."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    CLOSED = "closed"


class Event(str, Enum):
    """What can happen to a case."""

    CLAIM = "claim"
    CLOSE = "close"
    TRANSFER = "transfer"


class Kind(str, Enum):
    """Why the case was opened: urgent cases come first in the queue."""

    REQUEST = "request"
    URGENT = "urgent"
    COMPLAINT = "complaint"


class Direction(str, Enum):
    """Who wrote a case message: the person, staff, or staff for staff only (never sent to the person)."""

    USER = "user"
    STAFF = "staff"
    NOTE = "note"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.QUEUED, Event.CLAIM): State.CLAIMED,
    (State.QUEUED, Event.CLOSE): State.CLOSED,
    (State.CLAIMED, Event.CLOSE): State.CLOSED,
    (State.QUEUED, Event.TRANSFER): State.QUEUED,
    (State.CLAIMED, Event.TRANSFER): State.QUEUED,
}
"""The state machine drawn in lifecycle.mmd; anything else is refused."""


class InvalidTransition(Exception):
    """The event is not allowed in the case's current state (e.g. claiming a closed case)."""


def next_state(state: State, event: Event) -> State:
    """The state after event, or InvalidTransition."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransition(f"cannot {event.value} a {state.value} case") from None


@dataclass(frozen=True)
class Case:
    """One case as stored."""

    id: int
    pseudonym: str
    language: str
    region: str
    kind: Kind
    topic: str | None
    state: State
    claimed_by: int | None
    forum_topic_id: int | None
    created_at: datetime
    routed_to: str | None = None  # after a transfer: a language code or SUPERVISOR
    told_position: int | None = None  # the queue position the person was last told
    rating: int | None = None
    staff_group: int = 0  # the staff supergroup its topic is in (its language team's); 0: the default group

    @property
    def open(self) -> bool:
        """Queued or claimed: the person's messages go to staff."""
        return self.state is not State.CLOSED

    @property
    def route(self) -> str:
        """Who should take the case: staff speaking this language code, or SUPERVISOR."""
        return self.routed_to or self.language


@dataclass(frozen=True)
class CaseMessage:
    """One stored message of a case."""

    id: int
    case_id: int
    direction: Direction
    text: str  # the text, or a photo's, voice note's... caption ("" if none)
    delivered: bool
    media_kind: str | None = None  # one of MEDIA_KINDS; None for text
    media_file_id: str | None = None  # Telegram's file id: the file is never downloaded
    copied: bool | None = None  # for the claimant's private chat too: None no, False still to send, True sent
    recorded: bool | None = None  # a staff reply written in a private chat: None no, False still to post in the topic

    @property
    def for_topic(self) -> bool:
        """Still to post in the case's topic: the person's message, or a private reply for the record."""
        return (self.direction is Direction.USER and not self.delivered) or self.recorded is False


def queue_order(case: Case) -> tuple[bool, datetime, int]:
    """How open cases are ordered: urgent first, then oldest first."""
    return (case.kind is not Kind.URGENT, case.created_at, case.id)
