"""When a turn of the assistant calls for a person instead of an answer (issue 4, escalation).

The Telegram handlers (bot/telegram/features/chat.py) ask `escalate_turn` before sending the assistant's reply:

- a typed message with an urgent signal (content/urgent.yml; the assistant's turn says so in every
  front end): emergency numbers, then an urgent case (urgent.py) — without staff, the numbers alone;
- with staff connected (STAFF_CHAT_ID): the `human_handoff` intent ("I want to talk to a person") opens a
  case like /human; `services.complaint` starts the complaint flow (complaint.py).

The offer of a person after two messages not understood in a row is the assistant's own reply
(actions/answers.py `offer_person`): its button is /human_handoff, which opens a case (person.py).
"""

from __future__ import annotations

from telegram import Bot

from bot.assistant import Turn
from bot.handoff.lifecycle import Kind
from bot.telegram.core.services import Services
from bot.telegram.handoff import complaint
from bot.telegram.handoff.relay import escalate
from bot.telegram.handoff.service import Handoff
from bot.telegram.handoff.urgent import answer_urgent

HUMAN_INTENT = "human_handoff"


async def escalate_turn(
    svc: Services, handoff: Handoff | None, bot: Bot, chat_id: int, person: str, text: str, turn: Turn
) -> bool:
    """Escalate instead of sending the assistant's reply when the turn calls for it; whether it did."""
    if turn.forget:
        return False
    topic = turn.urgent  # the assistant found an urgent signal (bot/assistant.py)
    if topic is not None:
        if handoff is not None:
            await complaint.drop(handoff, person)  # danger comes first: a complaint being written is left
        await answer_urgent(svc, handoff, bot, chat_id, person, turn.language, topic)
        return True
    if handoff is None:
        return False
    if turn.topic == HUMAN_INTENT:
        await escalate(handoff, bot, chat_id, person, turn.language, Kind.REQUEST)
        return True
    if turn.topic == complaint.TOPIC:
        await complaint.start(handoff, bot, chat_id, person, turn.language)
        return True
    return False
