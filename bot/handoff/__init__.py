"""Handoff to staff (issue 4): the roster, cases and their lifecycle, and the Telegram relay.

- `roster.py`: who may handle cases, their languages and on-duty hours (STAFF_ROSTER, YAML).
- `cases.py`: the case state machine (drawn in `lifecycle.mmd`) and its storage; `case_messages.py` its messages.
- `inbox.py`: staff members' private chats with the bot and the case messages in them (issue 11).
- `intercept.py`: the one Telegram handler (STAFF_CHAT_ID); it hands updates to `rating.py` (the person's
  1-5 rating after a case), `person.py` (open a case, relay the person's messages, /bot) and `staff.py`
  (claim, transfer, close, staff replies; `staff_commands.py`: /queue, /note, /answer);
- `private.py`: a claimed case in the claimant's private chat too; `topic_queue.py`: the person's messages
  posted in the topics within the staff group's 20 a minute, merged when they pile up;
- `relay.py`: the core they use: open a case (forum topic + summary card, Rasa paused), deliver messages
  (text and media), close (Rasa resumed); `card.py`: what staff and the waiting person are shown.
- `escalation.py`: after the assistant's turn (bot/telegram/features/chat.py), escalate instead of answering:
  `urgent.py` (emergency numbers first, then an urgent case), a typed request for a person, and
  `complaint.py` (three questions, then a reference number and a complaint case).
"""

from bot.handoff.cases import CaseStore
from bot.handoff.lifecycle import Case, Direction, Event, InvalidTransition, Kind, State, next_state
from bot.handoff.roster import Roster, RosterError, StaffMember, load_roster

__all__ = [
    "Case",
    "CaseStore",
    "Direction",
    "Event",
    "InvalidTransition",
    "Kind",
    "Roster",
    "RosterError",
    "StaffMember",
    "State",
    "load_roster",
    "next_state",
]
