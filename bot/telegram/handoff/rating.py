"""The person's rating of the help, asked when their case closes (relay.close): 1 to 5, stored in cases.rating."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError

from bot.privacy.pseudonym import pseudonym
from bot.replies import Reply
from bot.telegram.core.callback_data import RATE
from bot.telegram.core.render import send_reply
from bot.telegram.core.services import BotContext
from bot.telegram.handoff.relay import RATINGS, to_topic
from bot.telegram.handoff.service import Handoff

log = logging.getLogger(__name__)


def rating_of(handoff: Handoff, update: Update) -> tuple[int, int] | None:
    """(case id, rating) if the update is a press on a rating button, else None."""
    query = update.callback_query
    data = handoff.services.payloads.decode(query.data or "") if query is not None else None
    if not data or not data.startswith(RATE):
        return None
    case_id, _, rating = data[len(RATE) :].partition(":")
    if not case_id.isdigit() or not rating.isdigit() or int(rating) not in RATINGS:
        return None
    return int(case_id), int(rating)


async def rate(handoff: Handoff, update: Update, context: BotContext, case_id: int, rating: int) -> None:
    """Store the rating (once, for the person's own closed case), drop the buttons, thank them, tell staff."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None and update.effective_user is not None
    with contextlib.suppress(TelegramError):
        await query.answer()
    person = pseudonym(handoff.services.settings.storage.pseudonym_secret, update.effective_user.id)
    if not await handoff.cases.rate(case_id, person, rating):
        return  # already rated, or not their case
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(reply_markup=None)
    case = await handoff.cases.get(case_id)
    lang = case.language if case is not None else handoff.staff_language
    content = handoff.services.assistant.store.current()
    await send_reply(context.bot, chat.id, Reply([content.text(lang, "handoff.case.rated")]), handoff.services.payloads)
    if case is not None and case.forum_topic_id is not None:  # staff see how it went (closed topic: admins post)
        try:
            await to_topic(handoff, context.bot, case, handoff.staff_text("handoff.staff.rated", rating=rating))
        except TelegramError:
            log.warning("Could not tell staff the rating of case %s", case.id, exc_info=True)
