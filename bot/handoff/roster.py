"""The staff roster: who may handle cases, in which languages, and when they are on duty.

The roster is configuration (a YAML file at STAFF_ROSTER, see config/staff.example.yml),
editable without code. Staff are listed by Telegram user id; hours are per language,
in the member's time zone (or the file's)::

    roster = load_roster(Path("config/staff.yml"))
    roster.on_duty("my", datetime.now(timezone.utc))   # members on duty for Burmese now
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

ROLES = ("staff", "supervisor")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?)\s+(?P<start>\d{2}:\d{2})-(?P<end>\d{2}:\d{2})$")
LOOKAHEAD_DAYS = 8  # next_on_duty looks this far ahead


class RosterError(Exception):
    """The roster file is wrong; the message names the file, the field and the fix."""


@dataclass(frozen=True)
class Shift:
    """On duty on some weekdays (0 = Monday) from start to end (end 24:00 = midnight), local time."""

    days: frozenset[int]
    start: time
    end: time | None  # None: until midnight

    def covers(self, local: datetime) -> bool:
        """Whether the local time falls in this shift."""
        if local.weekday() not in self.days:
            return False
        now = local.time().replace(tzinfo=None)
        return self.start <= now and (self.end is None or now < self.end)


@dataclass(frozen=True)
class StaffMember:
    """One rostered person: Telegram user id, role, languages, shifts per language, and a name to mention them by."""

    id: int
    role: str
    languages: tuple[str, ...]
    hours: dict[str, tuple[Shift, ...]]
    time_zone: ZoneInfo
    name: str | None = None  # shown in the staff chat only; None: a UI string stands in

    @property
    def supervisor(self) -> bool:
        """Supervisors may handle every case."""
        return self.role == "supervisor"

    def on_duty(self, lang: str, now: datetime) -> bool:
        """Whether this member is on duty for lang at the (timezone-aware) moment now."""
        local = now.astimezone(self.time_zone)
        return lang in self.languages and any(s.covers(local) for s in self.hours.get(lang, ()))


@dataclass(frozen=True)
class Roster:
    """Every rostered staff member, by Telegram user id; time_zone is the file's, for telling people when."""

    members: dict[int, StaffMember]
    time_zone: ZoneInfo

    def member(self, user_id: int) -> StaffMember | None:
        """The rostered member with this Telegram id, or None (not staff)."""
        return self.members.get(user_id)

    def speaks(self, lang: str) -> list[StaffMember]:
        """Members who speak lang, whether on duty or not."""
        return [m for m in self.members.values() if lang in m.languages]

    def on_duty(self, lang: str, now: datetime) -> list[StaffMember]:
        """Members on duty for lang at the (timezone-aware) moment now."""
        return [m for m in self.members.values() if m.on_duty(lang, now)]

    def next_on_duty(self, lang: str, now: datetime) -> datetime | None:
        """The next moment (on the quarter hour, within a week) someone is on duty for lang; None if never."""
        if not any(m.hours.get(lang) for m in self.speaks(lang)):
            return None
        moment = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
        for _ in range(LOOKAHEAD_DAYS * 24 * 4):
            moment += timedelta(minutes=15)
            if self.on_duty(lang, moment):
                return moment
        return None


def _fail(path: Path, where: str, problem: str, fix: str) -> RosterError:
    return RosterError(f"{path} [{where}]: {problem} Fix: {fix}")


def _zone(path: Path, where: str, name: Any) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail(
            path, where, f"unknown time zone {name!r}.", "use an IANA name such as Asia/Bangkok or Europe/Madrid."
        ) from None


def _clock(path: Path, where: str, text: str, end: bool) -> time | None:
    if end and text == "24:00":
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise _fail(path, where, f"{text!r} is not a time.", "write HH:MM, 00:00 to 24:00.") from None


def _shift(path: Path, where: str, text: Any) -> Shift:
    m = _HOURS.match(str(text).strip().lower())
    if not m:
        raise _fail(path, where, f"{text!r} is not a shift.", 'write days and hours like "mon-fri 09:00-17:00".')
    first, _, last = m["days"].partition("-")
    if first not in DAYS or (last and last not in DAYS):
        raise _fail(path, where, f"unknown day in {text!r}.", f"use {', '.join(DAYS)}.")
    a, b = DAYS.index(first), DAYS.index(last or first)
    days = frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(0, b + 1)])
    start = _clock(path, where, m["start"], end=False)
    assert start is not None
    return Shift(days, start, _clock(path, where, m["end"], end=True))


def _member(path: Path, i: int, raw: Any, default_zone: ZoneInfo) -> StaffMember:
    where = f"staff[{i}]"
    if not isinstance(raw, dict):
        raise _fail(path, where, "each entry must be a mapping.", "give id, role, languages and hours.")
    if not isinstance(raw.get("id"), int):
        raise _fail(
            path,
            f"{where}.id",
            "missing or not a number.",
            "write the person's numeric Telegram user id (not their @username).",
        )
    role = raw.get("role", "staff")
    if role not in ROLES:
        raise _fail(path, f"{where}.role", f"unknown role {role!r}.", f"use one of {', '.join(ROLES)}.")
    languages = raw.get("languages") or []
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        raise _fail(path, f"{where}.languages", "must be a list of language codes.", "write e.g. [my, th].")
    hours: dict[str, tuple[Shift, ...]] = {}
    for lang, shifts in (raw.get("hours") or {}).items():
        if lang not in languages:
            raise _fail(
                path,
                f"{where}.hours.{lang}",
                f"{lang!r} is not in this member's languages.",
                "add it to languages or remove these hours.",
            )
        items = shifts if isinstance(shifts, list) else [shifts]
        hours[lang] = tuple(_shift(path, f"{where}.hours.{lang}", s) for s in items)
    zone = _zone(path, f"{where}.time_zone", raw["time_zone"]) if raw.get("time_zone") else default_zone
    name = raw.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise _fail(path, f"{where}.name", "must be text.", "write the name colleagues know them by, or leave it out.")
    return StaffMember(raw["id"], role, tuple(languages), hours, zone, name.strip() if name else None)


def parse_roster(data: Any, path: Path) -> Roster:
    """Build a Roster from parsed YAML; path only names the file in errors."""
    if not isinstance(data, dict) or not isinstance(data.get("staff"), list):
        raise _fail(path, "staff", "no list of staff.", "start the file with 'staff:' and one entry per person.")
    default_zone = _zone(path, "time_zone", data.get("time_zone") or "UTC")
    members: dict[int, StaffMember] = {}
    for i, raw in enumerate(data["staff"]):
        member = _member(path, i, raw, default_zone)
        if member.id in members:
            raise _fail(path, f"staff[{i}].id", f"{member.id} is listed twice.", "keep one entry per person.")
        members[member.id] = member
    return Roster(members, default_zone)


def load_roster(path: Path) -> Roster:
    """Read and check the roster file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RosterError(
            f"{path}: cannot read the staff roster ({error.strerror}). Fix: set STAFF_ROSTER "
            "to the roster file (see config/staff.example.yml)."
        ) from None
    except yaml.YAMLError as error:
        raise RosterError(f"{path}: not valid YAML: {error}. Fix: compare with config/staff.example.yml.") from None
    return parse_roster(data, path)
