"""Urgent messages: the emergency numbers at once, then an urgent case for staff.

A typed message with an urgent signal (content/urgent.yml, bot/urgent_rules.py) — someone locked in,
beaten, not breathing — is not answered with information: the person first gets the region's emergency
number and help lines (content/<region>/region.yml; never a number from anywhere else), then, with
staff connected, a case of kind URGENT with the topic (bot/handoff/relay.py `escalate`). Without staff
the numbers are the whole answer.
"""

from __future__ import annotations

from telegram import Bot

from bot.answers import Reply, emergency_text, menu_button
from bot.handoff.cases import Kind
from bot.handoff.relay import Handoff, escalate
from bot.telegram.render import send_reply
from bot.telegram.state import Services


async def answer_urgent(svc: Services, handoff: Handoff | None, bot: Bot, chat_id: int, person: str, lang: str,
                        topic: str) -> None:
    """Send the emergency numbers, then open an urgent case when staff are connected.

    The assistant already put the numbers in the turn's reply (bot/assistant.py); they are composed
    here again without the menu button when staff will write next.
    """
    content = svc.assistant.store.current()
    buttons = [] if handoff is not None else [menu_button(content, lang)]
    await send_reply(bot, chat_id, Reply([emergency_text(content, svc.region, lang)], buttons), svc.payloads)
    if handoff is not None:
        await escalate(handoff, bot, chat_id, person, lang, Kind.URGENT, topic)
