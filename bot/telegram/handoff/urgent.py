"""Urgent messages: the emergency numbers at once, then an urgent case for staff (or an open case made urgent).

A typed message with an urgent signal (content/urgent.yml, bot/content/urgent.py) — someone locked in,
beaten, not breathing — is not answered with information: the person first gets the region's emergency
number and help lines (content/<region>/region.yml; never a number from anywhere else), then, with
staff connected, a case of kind URGENT with the topic (bot/telegram/handoff/relay.py `escalate`). Without staff
the numbers are the whole answer.
"""

from __future__ import annotations

import contextlib

from telegram import Bot
from telegram.error import TelegramError

from bot.content.urgent import urgent_topic
from bot.handoff.lifecycle import Case, Kind
from bot.replies import Reply, emergency_text, menu_button
from bot.telegram.core.render import send_reply
from bot.telegram.core.services import Services
from bot.telegram.handoff.card import mentions, topic_name
from bot.telegram.handoff.relay import escalate, to_topic
from bot.telegram.handoff.service import Handoff


async def answer_urgent(
    svc: Services, handoff: Handoff | None, bot: Bot, chat_id: int, person: str, lang: str, topic: str
) -> None:
    """Send the emergency numbers, then open an urgent case when staff are connected.

    The assistant already put the numbers in the turn's reply (bot/assistant.py); they are composed
    here again without the menu button when staff will write next.
    """
    content = svc.assistant.store.current()
    buttons = [] if handoff is not None else [menu_button(content, lang)]
    await send_reply(bot, chat_id, Reply([emergency_text(content, svc.region, lang)], buttons), svc.payloads)
    if handoff is not None:
        await escalate(handoff, bot, chat_id, person, lang, Kind.URGENT, topic)


async def urgent_during_case(handoff: Handoff, bot: Bot, case: Case, text: str) -> Case:
    """An urgent signal written while a case is open: the numbers at once, and the case becomes urgent.

    The person gets the emergency numbers before anything else; a case that was not urgent moves to
    the top of its queue, its topic is renamed (`… · URGENT`) and staff on duty are told and mentioned.
    The message itself is then relayed as usual (by the caller).
    """
    svc = handoff.services
    content = svc.assistant.store.current()
    topic = urgent_topic(content.urgent, text, prefer=case.topic)
    if topic is None:
        return case
    chat_id = await svc.storage.db.chat_id_for(case.pseudonym)
    if chat_id is not None:
        await send_reply(bot, chat_id, Reply([emergency_text(content, case.region, case.language)]), svc.payloads)
    if case.kind is Kind.URGENT:
        return case
    case = await handoff.cases.mark_urgent(case.id, topic) or case
    if case.forum_topic_id is not None:
        with contextlib.suppress(TelegramError):
            await bot.edit_forum_topic(handoff.chat_of(case), case.forum_topic_id, name=topic_name(handoff, case))
        await to_topic(
            handoff,
            bot,
            case,
            handoff.staff_text("handoff.staff.now_urgent", topic=case.topic),
            html_tail=mentions(handoff, case.route),
        )
    return case
