"""The core of the handoff: open a case (forum topic + summary card), deliver its messages, close it.

The updates reach it through bot/telegram/handoff/intercept.py, which sends the person's updates to
person.py and the staff chat's to staff.py.

Messages are stored before they are sent and marked delivered after; what could not be
sent is sent first next time (in order), so nothing is lost when the bot restarts.
Without STAFF_CHAT_ID (`Handoff.from_settings` gives None) nothing here runs.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

from telegram import Bot, Message, Update
from telegram.error import TelegramError

from bot.handoff.lifecycle import (
    Case,
    Direction,
    Event,
    InvalidTransition,
    Kind,
    State,
)
from bot.replies import Button, Reply, menu_button
from bot.storage.models import utcnow
from bot.telegram.core.callback_data import CLAIM, CLOSE, FEEDBACK_PREFIX, RATE, TRANSFER
from bot.telegram.core.render import send_reply
from bot.telegram.handoff.card import card_text, hotlines, mentions, position_text, topic_name, waiting_text
from bot.telegram.handoff.sending import media_of, send_stored, to_topic
from bot.telegram.handoff.service import Handoff

log = logging.getLogger(__name__)

RATINGS = range(1, 6)
MAX_CASES_PER_DAY = 3  # requests for a person (not urgent ones) a person may open in CASE_LIMIT_PERIOD
CASE_LIMIT_PERIOD = timedelta(days=1)


async def escalate(
    handoff: Handoff,
    bot: Bot,
    chat_id: int,
    person: str,
    lang: str,
    kind: Kind = Kind.REQUEST,
    topic: str | None = None,
) -> Case | None:
    """Open a case for the person (forum topic + summary card) and tell them what happens next.

    kind says why (a request, an urgent message, a complaint); topic is the detected content topic, if any.
    The Rasa conversation is paused while the case is open.
    """
    svc = handoff.services
    content = svc.assistant.store.current()
    if (
        kind is not Kind.URGENT
        and await handoff.cases.opened_since(person, utcnow() - CASE_LIMIT_PERIOD) >= MAX_CASES_PER_DAY
        and await handoff.cases.open_for(person) is None
    ):
        # /human, /bot in a loop would open topic after topic and call the staff each time
        await send_reply(
            bot,
            chat_id,
            Reply([hotlines(handoff, lang, "handoff.case.limit")], [menu_button(content, lang)]),
            svc.payloads,
        )
        return None
    case = await handoff.cases.open(person, lang, svc.region, kind, topic, handoff.group_for(lang))
    if case.forum_topic_id is None:
        try:
            forum = await bot.create_forum_topic(handoff.chat_of(case), topic_name(handoff, case))
        except TelegramError:
            log.exception("Could not create the staff forum topic for case %s; giving the help lines", case.id)
            await handoff.cases.apply(case.id, Event.CLOSE)
            await send_reply(
                bot,
                chat_id,
                Reply([hotlines(handoff, lang, "handoff.intro")], [menu_button(content, lang)]),
                svc.payloads,
            )
            return None
        await handoff.cases.set_forum_topic(case.id, forum.message_thread_id)
        case = await handoff.cases.get(case.id) or case
        await to_topic(
            handoff,
            bot,
            case,
            await card_text(handoff, case),
            case_buttons(handoff, case),
            html_tail=mentions(handoff, case.route),
        )
        await deliver(handoff, bot, case, Direction.USER)  # anything stored before the topic existed
        await tracker_event(handoff, person, "pause")
    text = waiting_text(handoff, lang)
    position = await handoff.cases.position(case)
    if position is not None:
        text = f"{text}\n\n{position_text(handoff, lang, position)}"
        await handoff.cases.set_told_position(case.id, position)
    await send_reply(bot, chat_id, Reply([text]), svc.payloads)
    return case


def case_buttons(handoff: Handoff, case: Case) -> list[Button]:
    """The buttons under a case's card: Claim (while queued), Transfer, Close."""
    queued = case.state is State.QUEUED
    claim = [Button(handoff.staff_text("handoff.staff.claim"), f"{CLAIM}{case.id}")] if queued else []
    return [
        *claim,
        Button(handoff.staff_text("handoff.staff.transfer"), f"{TRANSFER}{case.id}"),
        Button(handoff.staff_text("handoff.staff.close"), f"{CLOSE}{case.id}"),
    ]


async def tracker_event(handoff: Handoff, person: str, event: str) -> None:
    """Append pause or resume to the person's Rasa conversation (logged if Rasa cannot be reached)."""
    try:
        await handoff.services.assistant.client.append_events(person, [{"event": event}])
    except Exception:  # noqa: BLE001 - the case goes on; the assistant is not called while it is open anyway
        log.warning("Could not append %s to the Rasa conversation", event, exc_info=True)


async def relay(  # noqa: PLR0913
    handoff: Handoff,
    bot: Bot,
    case: Case,
    message: Message,
    direction: Direction,
    copy: bool = False,
    record: bool = False,
) -> bool:
    """Store a text or media message of one side, then send what is undelivered; False for anything else.

    copy: the person's message goes to the claimant's private chat too (private.py sends it); record: a
    staff reply written in a private chat, posted in the case's topic for the record.
    """
    kind, file_id, text = media_of(message)
    if kind is None and message.text is None:
        return False  # locations, contacts, polls...: not relayed
    await handoff.cases.add_message(case.id, direction, text, kind, file_id, copy=copy, record=record)
    await deliver(handoff, bot, case, direction)
    if record:
        handoff.topics_waiting.set()
    return True


async def from_person_message(handoff: Handoff, bot: Bot, case: Case, message: Message, copy: bool = False) -> bool:
    """Relay the person's text or media to the topic (and, copy, the claimant); tell them when their place changed."""
    if not await relay(handoff, bot, case, message, Direction.USER, copy=copy):
        return False
    await tell_position(handoff, bot, case)
    return True


async def tell_position(handoff: Handoff, bot: Bot, case: Case, force: bool = False, text: str = "") -> None:
    """Tell the person their place in the queue (after text) if the case is queued and it changed (or force)."""
    position = await handoff.cases.position(case)
    if position is None or (position == case.told_position and not force):
        return
    chat_id = await handoff.services.storage.db.chat_id_for(case.pseudonym)
    if chat_id is None:
        return
    line = position_text(handoff, case.language, position)
    await send_reply(bot, chat_id, Reply([f"{text}\n\n{line}" if text else line]), handoff.services.payloads)
    await handoff.cases.set_told_position(case.id, position)


async def deliver(handoff: Handoff, bot: Bot, case: Case, direction: Direction) -> int:
    """Send the case's undelivered messages of one direction, oldest first; how many went out.

    The person's messages go to the topic through its queue (topic_queue.py: merged when they pile
    up, the staff group's 20 a minute shared by every case): this only wakes it, and gives 0.
    A failure stops the round (logged): the rest stay stored and go first next time, in order.
    Notes (Direction.NOTE) are never sent.
    """
    if direction is Direction.USER:
        handoff.topics_waiting.set()
        return 0
    if direction is Direction.NOTE:
        return 0
    chat_id = await handoff.services.storage.db.chat_id_for(case.pseudonym)
    if chat_id is None:
        return 0
    sent = 0
    for message in await handoff.cases.undelivered(case.id, direction):
        try:
            await send_stored(handoff, bot, case, message, chat_id)
        except TelegramError:
            log.exception("Could not relay a message of case %s; it stays queued", case.id)
            break
        await handoff.cases.delivered(message.id)
        sent += 1
    return sent


async def close(handoff: Handoff, bot: Bot, case: Case, closed_by: str | None, tell_person: bool = True) -> Case | None:
    """Close the case (by staff, named, or by the person when closed_by is None); tell both sides.

    The Rasa conversation resumes, and the person is asked to rate the help (1 to 5), unless
    tell_person is False (the person is deleting everything: the deletion answers them).
    """
    try:
        case = await handoff.cases.apply(case.id, Event.CLOSE)
    except InvalidTransition:
        return None
    note = (
        handoff.staff_text("handoff.staff.left")
        if closed_by is None
        else handoff.staff_text("handoff.staff.closed", staff=closed_by)
    )
    with contextlib.suppress(TelegramError):
        await to_topic(handoff, bot, case, note)
        await bot.close_forum_topic(handoff.chat_of(case), case.forum_topic_id)  # type: ignore[arg-type]
    await tracker_event(handoff, case.pseudonym, "resume")
    chat_id = await handoff.services.storage.db.chat_id_for(case.pseudonym) if tell_person else None
    if chat_id is not None:
        content = handoff.services.assistant.store.current()
        payloads = handoff.services.payloads
        await send_reply(
            bot,
            chat_id,
            Reply([content.text(case.language, "handoff.case.closed")], [menu_button(content, case.language)]),
            payloads,
        )
        await send_reply(
            bot,
            chat_id,
            Reply([content.text(case.language, "handoff.case.rate")]),
            payloads,
            last_row=[Button(str(n), f"{RATE}{case.id}:{n}") for n in RATINGS],
        )
    return case


async def button_during_case(handoff: Handoff, bot: Bot, case: Case, update: Update) -> bool:
    """A button pressed while the case is open: the assistant is paused, so say so (👍 👎 are handled as usual)."""
    query = update.callback_query
    if query is None or update.effective_chat is None or (query.data or "").startswith(FEEDBACK_PREFIX):
        return False
    with contextlib.suppress(TelegramError):
        await query.answer()
    content = handoff.services.assistant.store.current()
    await send_reply(
        bot,
        update.effective_chat.id,
        Reply([content.text(case.language, "handoff.case.paused")]),
        handoff.services.payloads,
    )
    return True
