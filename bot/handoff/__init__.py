"""Handoff to staff (issue 4): the roster, cases and their lifecycle, and the Telegram relay.

- `roster.py`: who may handle cases, their languages and on-duty hours (STAFF_ROSTER, YAML).
- `cases.py`: the case state machine (drawn in `lifecycle.mmd`) and its storage.
- `relay.py`: the Telegram handler that opens cases and relays messages (STAFF_CHAT_ID).
"""

from bot.handoff.cases import Case, CaseStore, Direction, Event, InvalidTransition, Kind, State, next_state
from bot.handoff.roster import Roster, RosterError, StaffMember, load_roster

__all__ = ["Case", "CaseStore", "Direction", "Event", "InvalidTransition", "Kind", "Roster", "RosterError",
           "StaffMember", "State", "load_roster", "next_state"]
