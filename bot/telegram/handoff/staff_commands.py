"""Staff commands in the staff chat, for rostered staff only (staff.py checks).

- `/queue` (anywhere in the staff chat): the open cases by language, urgent first, with type and wait time;
- `/note <text>` (in a case's topic): a note for staff, stored, never sent to the person;
- `/answer <topic id>` (in a case's topic): the curated answer for that topic, in the person's language
  and region, sent to the person as a staff message (stored first, like any reply).
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Bot, Message

from bot.handoff.access import may_act
from bot.handoff.lifecycle import Case, Direction, State
from bot.handoff.roster import StaffMember
from bot.replies import topic_reply
from bot.storage.models import utcnow
from bot.telegram.core.render import send_html, split_html
from bot.telegram.handoff.card import kind_label, refusal, route_label
from bot.telegram.handoff.relay import deliver
from bot.telegram.handoff.service import Handoff

log = logging.getLogger(__name__)

QUEUE, NOTE, ANSWER = "/queue", "/note", "/answer"
STAFF_COMMANDS = (QUEUE, NOTE, ANSWER)
STATE_LABELS = {State.QUEUED: "handoff.staff.state_queued", State.CLAIMED: "handoff.staff.state_claimed"}


async def say(handoff: Handoff, bot: Bot, where: Message, text: str) -> None:
    """Answer a staff message in the same place (its topic, or the general topic)."""
    thread = where.message_thread_id if where.is_topic_message else None
    await send_html(bot, where.chat_id, split_html(text), thread_id=thread)


async def run_command(handoff: Handoff, bot: Bot, message: Message, command: str, member: StaffMember) -> None:
    """Run one staff command from a rostered member (/note and /answer: one who may act on the case)."""
    if command == QUEUE:
        await say(handoff, bot, message, await queue_text(handoff, message.chat_id))
        return
    case = None
    if message.is_topic_message and message.message_thread_id is not None:
        case = await handoff.cases.for_forum_topic(message.message_thread_id, handoff.stored_as(message.chat_id))
    if case is None or not case.open:
        await say(handoff, bot, message, handoff.staff_text("handoff.staff.not_in_case"))
        return
    if not may_act(handoff.roster, member, case):
        log.warning("Refused: Telegram user %s sent %s in the topic of case %s", member.id, command, case.id)
        await say(handoff, bot, message, refusal(handoff, member, case) or "")
        return
    argument = (message.text or "").partition(" ")[2].strip()
    if command == NOTE:
        await _note(handoff, bot, message, case, argument)
    else:
        await _answer(handoff, bot, message, case, argument)


async def queue_text(handoff: Handoff, group: int | None = None) -> str:
    """The open cases grouped by where they are routed, urgent first, then oldest first (within and across groups).

    group: only the cases of that staff group (a language team's sees its own cases).
    """
    cases = [
        c for c in await handoff.cases.open_cases() if group is None or handoff.chat_of(c) == group
    ]  # in queue order
    if not cases:
        return handoff.staff_text("handoff.staff.queue_empty")
    now = utcnow()
    lines = [handoff.staff_text("handoff.staff.queue")]
    for route in dict.fromkeys(c.route for c in cases):  # the route of the first case in the queue first
        lines += ["", handoff.staff_text("handoff.staff.queue_route", route=route_label(handoff, route))]
        lines += [_queue_line(handoff, case, now) for case in cases if case.route == route]
    return "\n".join(lines)


def _queue_line(handoff: Handoff, case: Case, now: datetime) -> str:
    minutes = max(0, int((now - case.created_at).total_seconds() // 60))
    return handoff.staff_text(
        "handoff.staff.queue_line",
        case=case.id,
        kind=kind_label(handoff, case.kind),
        state=handoff.staff_text(STATE_LABELS[case.state]),
        minutes=minutes,
        language=case.language,
    )


async def _note(handoff: Handoff, bot: Bot, message: Message, case: Case, text: str) -> None:
    """Store a note for staff only; it is never sent to the person."""
    if not text:
        await say(handoff, bot, message, handoff.staff_text("handoff.staff.note_empty"))
        return
    await handoff.cases.add_message(case.id, Direction.NOTE, text)
    await say(handoff, bot, message, handoff.staff_text("handoff.staff.noted"))


async def _answer(handoff: Handoff, bot: Bot, message: Message, case: Case, topic_id: str) -> None:
    """Send the curated answer for a topic to the person (their language, the case's region), stored first."""
    content = handoff.services.assistant.store.current()
    if topic_id not in content.topic_ids or content.topic(case.region, topic_id) is None:
        valid = sorted(t for t in content.topic_ids if content.topic(case.region, t) is not None)
        await say(
            handoff,
            bot,
            message,
            handoff.staff_text("handoff.staff.answer_unknown", topic=topic_id or "?", ids=", ".join(valid)),
        )
        return
    reply = topic_reply(content, case.region, case.language, topic_id)
    await handoff.cases.add_message(case.id, Direction.STAFF, "\n\n".join(reply.messages))
    await deliver(handoff, bot, case, Direction.STAFF)
    await say(handoff, bot, message, handoff.staff_text("handoff.staff.answered", topic=topic_id))
