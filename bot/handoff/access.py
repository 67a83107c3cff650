"""Who may act on a case: one check for every staff action (reply, /note, /answer, Claim, Transfer, Close)."""

from __future__ import annotations

from bot.handoff.lifecycle import SUPERVISOR, Case
from bot.handoff.roster import Roster, StaffMember


def may_claim(roster: Roster, member: StaffMember, route: str) -> bool:
    """Whether member may take a case routed to route.

    Supervisors always; a case for the supervisors, only them; a case for a language, those who
    speak it, or anyone when nobody on the roster does (else it would wait for ever).
    """
    if member.supervisor:
        return True
    if route == SUPERVISOR:
        return False
    return route in member.languages or not roster.speaks(route)


def may_act(roster: Roster, member: StaffMember | None, case: Case) -> bool:
    """Whether member may act on case: a supervisor, the one who claimed it, or (unclaimed) staff of its route.

    So nobody reads a colleague's case out of their hands, and a case for the supervisors cannot be
    transferred by someone else to their own language to claim it.
    """
    if member is None:
        return False
    if member.supervisor:
        return True
    if case.claimed_by is not None:
        return case.claimed_by == member.id
    return may_claim(roster, member, case.route)
