"""A claimed case in the claiming staff member's private chat with the bot (issue 11).

The staff supergroup takes about 20 messages a minute from the bot, for every case together; a private
chat takes one a second. So, once a staff member has written to the bot in private (/start: their chat
is remembered, bot/handoff/inbox.py), the cases they claim come to that chat too:

- on Claim, a first message says which case it is and how to answer;
- each message the person writes afterwards is copied there, with the case number in front, as soon
  as it is stored (in order; one that could not be sent goes first next time);
- the staff member answers by replying to one of those messages (Telegram's "Reply"): the answer goes
  to that case's person, as a reply in the topic would. A message that replies to nothing goes to their
  case if they handle exactly one; with several they are asked to reply to a message of the case, and
  nothing is sent. The same check as in the topic applies (`may_act`): a case transferred or closed
  meanwhile is refused, and they are told;
- their answer is posted in the case's topic too, labelled (topic_queue.py), so the topic stays the record.

Every message of a case in a private chat (copies and replies) is stored with its case and deleted through
Telegram with it (`/forget`, retention) or after COPY_LIFETIME at the latest (topics.py).
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot, Message, Update
from telegram.error import Forbidden, TelegramError

from bot.handoff.lifecycle import Case, Direction, State
from bot.replies import Reply
from bot.storage.db import safe
from bot.telegram.core.render import send_reply
from bot.telegram.handoff.card import refusal
from bot.telegram.handoff.relay import relay
from bot.telegram.handoff.sending import send_stored
from bot.telegram.handoff.service import Handoff, command_of

log = logging.getLogger(__name__)


async def wants_copy(handoff: Handoff, case: Case) -> bool:
    """Whether the case's messages go to its claimant's private chat too."""
    if case.state is not State.CLAIMED or case.claimed_by is None:
        return False
    return await safe(handoff.inbox.has_private(case.claimed_by), False, "read a staff private chat")


async def _sent(handoff: Handoff, case: Case, staff_id: int, messages: list[Message]) -> None:
    for message in messages:
        await handoff.inbox.add(case.id, staff_id, message.message_id)


async def copy_to_claimant(handoff: Handoff, bot: Bot, case: Case) -> None:
    """Send the case's messages still to copy to its claimant's private chat, oldest first."""
    staff_id = case.claimed_by
    waiting = await handoff.cases.to_copy(case.id)
    if staff_id is None or not waiting:
        return
    label = f"{handoff.staff_text('handoff.staff.private_copy', case=case.id)}\n"
    for message in waiting:
        try:
            sent = await send_stored(handoff, bot, case, message, staff_id, label)
        except Forbidden:  # they blocked the bot: the topic has everything
            log.warning("Staff member %s blocked the bot; case %s goes to its topic only", staff_id, case.id)
            await handoff.inbox.stopped(staff_id)
            for rest in await handoff.cases.to_copy(case.id):
                await handoff.cases.copied(rest.id, sent=False)
            return
        except TelegramError:
            log.exception("Could not copy a message of case %s to its claimant; it goes first next time", case.id)
            return
        await _sent(handoff, case, staff_id, sent)
        await handoff.cases.copied(message.id)


async def claimed(handoff: Handoff, bot: Bot, case: Case) -> None:
    """Tell the claimant in private which case is now theirs and how to answer there (if they have a chat)."""
    if not await wants_copy(handoff, case) or case.claimed_by is None:
        return
    text = handoff.staff_text("handoff.staff.private_claimed", case=case.id, language=case.language)
    try:
        sent = await send_reply(bot, case.claimed_by, Reply([text]), handoff.services.payloads)
    except Forbidden:
        await handoff.inbox.stopped(case.claimed_by)
        return
    except TelegramError:
        log.warning("Could not tell staff member %s in private about case %s", case.claimed_by, case.id)
        return
    await _sent(handoff, case, case.claimed_by, sent)


async def _say(handoff: Handoff, bot: Bot, staff_id: int, text: str) -> None:
    with contextlib.suppress(TelegramError):
        await send_reply(bot, staff_id, Reply([text]), handoff.services.payloads)


async def _case_of(handoff: Handoff, staff_id: int, message: Message, mine: list[Case]) -> Case | int | None:
    """The case a staff member's private message is for (mine: the open cases they claimed).

    A reply to one of a case's messages: that case (its id if it is closed or gone); else their one
    case; None when they have several (or none).
    """
    replied = message.reply_to_message
    case_id = await handoff.inbox.case_of(staff_id, replied.message_id) if replied is not None else None
    if case_id is not None:
        case = await handoff.cases.get(case_id)
        return case if case is not None and case.open else case_id
    return mine[0] if len(mine) == 1 else None


async def from_staff(handoff: Handoff, update: Update, bot: Bot) -> bool:
    """A rostered staff member's message in their private chat: remember the chat; relay it if it is for a case.

    Whether it was handled; commands, and messages of staff with no case open, go to the assistant.
    """
    message, sender = update.message, update.effective_user
    member = handoff.roster.member(sender.id) if sender is not None else None
    if member is None or sender is None:
        return False
    await safe(handoff.inbox.started(sender.id), None, "remember a staff private chat")
    if message is None or command_of(message.text) is not None:
        return False
    mine = [c for c in await handoff.cases.open_cases() if c.claimed_by == sender.id]
    case = await _case_of(handoff, sender.id, message, mine)
    if isinstance(case, int):
        await _say(handoff, bot, sender.id, handoff.staff_text("handoff.staff.private_closed", case=case))
        return True
    if case is None:
        if not mine:
            return False  # nothing of theirs open: they talk to the assistant like anyone
        await _say(handoff, bot, sender.id, handoff.staff_text("handoff.staff.private_which"))
        return True
    why = refusal(handoff, member, case)
    if why is not None:
        log.warning("Refused: staff member %s replied in private to case %s, not theirs", sender.id, case.id)
        await _say(handoff, bot, sender.id, why)
        return True
    if await relay(handoff, bot, case, message, Direction.STAFF, record=True):
        await handoff.inbox.add(case.id, sender.id, message.message_id)  # their own message goes with the case too
    return True
