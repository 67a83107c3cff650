"""The staff roster: parsing, on-duty hours across time zones, and clear errors."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from bot.handoff.roster import RosterError, load_roster, parse_roster
from bot.settings import REPO

PATH = Path("staff.yml")


def roster(text: str):
    return parse_roster(yaml.safe_load(text), PATH)


WEEK = """
time_zone: Asia/Bangkok
staff:
  - id: 1
    languages: [my, th]
    hours: {my: ["mon-fri 09:00-17:00"], th: "sat 22:00-24:00"}
  - id: 2
    role: supervisor
    languages: [es]
    time_zone: Europe/Madrid
    hours: {es: ["fri-mon 09:00-13:00"]}
"""


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_the_example_roster_loads():
    example = load_roster(REPO / "config" / "staff.example.yml")
    assert example.member(100000002).supervisor and not example.member(100000001).supervisor
    assert example.member(42) is None
    assert example.member(100000001).name == "Aung" and roster("staff: [{id: 1}]").member(1).name is None


def test_on_duty_in_the_members_time_zone():
    r = roster(WEEK)
    # Thursday 2026-11-26 02:00 UTC = 09:00 in Bangkok
    assert [m.id for m in r.on_duty("my", utc(2026, 11, 26, 2, 0))] == [1]
    assert r.on_duty("my", utc(2026, 11, 26, 1, 59)) == []
    assert r.on_duty("my", utc(2026, 11, 26, 10, 0)) == []  # 17:00 in Bangkok: off
    assert [m.id for m in r.on_duty("th", utc(2026, 11, 28, 16, 59))] == [1]  # Saturday 23:59 until midnight
    assert r.on_duty("th", utc(2026, 11, 28, 17, 0)) == []
    # fri-mon wraps over the weekend; Madrid is UTC+1 in November
    assert [m.id for m in r.on_duty("es", utc(2026, 11, 29, 8, 0))] == [2]  # Sunday 09:00
    assert r.on_duty("es", utc(2026, 11, 25, 8, 0)) == []  # Wednesday
    assert r.on_duty("ar", utc(2026, 11, 26, 8, 0)) == []


def test_next_on_duty():
    r = roster(WEEK)
    assert r.next_on_duty("my", utc(2026, 11, 28, 5, 0)) == utc(2026, 11, 30, 2, 0)  # Sat → Mon 09:00 Bangkok
    assert r.next_on_duty("ar", utc(2026, 11, 28, 5, 0)) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("staff: {}", "[staff]: no list of staff"),
        ("staff: [{languages: [my]}]", "[staff[0].id]"),
        ("staff: [{id: 1, role: boss}]", "unknown role 'boss'"),
        (
            "staff: [{id: 1, languages: [my], hours: {th: ['mon 09:00-10:00']}}]",
            "'th' is not in this member's languages",
        ),
        ("staff: [{id: 1, languages: [my], hours: {my: ['weekdays 9-5']}}]", "is not a shift"),
        ("staff: [{id: 1, languages: [my], hours: {my: ['mon 25:00-26:00']}}]", "is not a time"),
        ("time_zone: Mars/Base\nstaff: []", "unknown time zone"),
        ("staff: [{id: 1}, {id: 1}]", "listed twice"),
        ("staff: [{id: 1, name: [a]}]", "[staff[0].name]"),
    ],
)
def test_errors_name_the_file_the_field_and_the_fix(text, message):
    with pytest.raises(RosterError) as error:
        roster(text)
    assert message in str(error.value) and "staff.yml" in str(error.value) and "Fix:" in str(error.value)


def test_a_missing_file_says_which_variable_to_set(tmp_path):
    with pytest.raises(RosterError, match="STAFF_ROSTER"):
        load_roster(tmp_path / "nope.yml")


def test_who_may_claim_a_case():
    from bot.handoff.access import may_claim
    from bot.handoff.lifecycle import SUPERVISOR

    team = roster(WEEK)
    burmese, supervisor = team.member(1), team.member(2)
    assert burmese is not None and supervisor is not None
    assert may_claim(team, burmese, "my") and may_claim(team, burmese, "th")
    assert not may_claim(team, burmese, "es")  # the Spanish speaker's case
    assert may_claim(team, burmese, "ar")  # nobody speaks Arabic: better anyone than nobody
    assert not may_claim(team, burmese, SUPERVISOR)
    assert all(may_claim(team, supervisor, route) for route in ("my", "es", "ar", SUPERVISOR))


def test_who_may_act_on_a_case():
    from bot.handoff.access import may_act
    from bot.handoff.lifecycle import SUPERVISOR, Case, Kind, State

    team = roster(WEEK)
    burmese, supervisor = team.member(1), team.member(2)
    assert burmese is not None and supervisor is not None

    def case(route: str, claimed_by: int | None) -> Case:
        state = State.QUEUED if claimed_by is None else State.CLAIMED
        return Case(1, "p" * 64, "my", "th", Kind.REQUEST, None, state, claimed_by, 501, datetime.now(), route)

    assert may_act(team, burmese, case("my", None))  # unclaimed, their language
    assert not may_act(team, burmese, case("es", None))  # unclaimed, someone else's language
    assert may_act(team, burmese, case("my", 1))  # they claimed it
    assert not may_act(team, burmese, case("my", 2))  # a colleague claimed it
    assert not may_act(team, burmese, case(SUPERVISOR, None))  # for the supervisors: not even a transfer
    assert all(may_act(team, supervisor, case(r, c)) for r in ("my", SUPERVISOR) for c in (None, 1))
    assert not may_act(team, None, case("my", None))  # not on the roster
