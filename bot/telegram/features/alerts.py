"""People choose their alerts: /alerts toggles, "Tell me when this changes" under answers, /stop.

A subscription stores the person's pseudonym, the topic, their region and language — nothing else;
where to send comes from the sealed chat mapping. Delivery: alert_delivery.py.
"""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.content.model import Content
from bot.replies import Button, Reply
from bot.storage import alerts as store
from bot.storage.db import OUTAGES, safe
from bot.telegram.core.callback_data import ALERT_BUTTONS, ALERT_OFF, ALERT_ON, ALERT_TOGGLE
from bot.telegram.core.render import send_reply
from bot.telegram.core.services import BotContext, Services

PATTERN = "^(" + "|".join(ALERT_BUTTONS) + ")"  # the CallbackQueryHandler pattern, before other buttons
_DOWN: set[str] | None = None


def topic_title(content: Content, region: str, topic: str, lang: str) -> str:
    """The topic's answer title in lang (English, else the id, when missing)."""
    found = content.topic(region, topic)
    if found is None:
        return topic
    tr = found.translations.get(lang) or found.translations.get("en")
    return tr.title if tr else topic


async def subscribe_button(svc: Services, person: str, topic: str, lang: str) -> Button | None:
    """The "Tell me when this changes" button for an answer of topic, unless subscribed or it has no alerts."""
    content = svc.assistant.store.current()
    if topic not in content.region(svc.region).alert_topics:
        return None
    mine = await safe(store.subscriptions(svc.storage.db, person), _DOWN, "read alert subscriptions")
    if mine is None or topic in mine:
        return None
    return Button(content.text(lang, "alerts.subscribe_button"), ALERT_ON + topic)


def _menu(content: Content, region: str, lang: str, mine: set[str]) -> Reply:
    """The /alerts message: one toggle per alert topic of the region, ✓ when subscribed."""
    topics = content.region(region).alert_topics
    name = content.region(region).name.get(lang) or content.region(region).name.get("en", region)
    if not topics:
        return Reply([content.text(lang, "alerts.none", region=name)])
    buttons = []
    for topic in topics:
        title = topic_title(content, region, topic, lang)
        label = content.text(lang, "alerts.subscribed_mark", title=title) if topic in mine else title
        buttons.append(Button(label, ALERT_TOGGLE + topic))
    return Reply([content.text(lang, "alerts.menu", region=name)], buttons)


async def _send(context: BotContext, reply: Reply) -> None:
    await send_reply(context.bot, context.chat_id, reply, context.services.payloads)


async def _unavailable(context: BotContext) -> None:
    await _send(context, Reply([context.content.text(context.language, "alerts.unavailable")]))


async def alerts_command(update: Update, context: BotContext) -> None:
    """Show the region's alert topics as toggles, ✓ on those the person gets."""
    svc = context.services
    mine = await safe(store.subscriptions(svc.storage.db, context.person), _DOWN, "read alert subscriptions")
    if mine is None:
        await _unavailable(context)
        return
    await _send(context, _menu(context.content, svc.region, context.language, mine))


async def stop_command(update: Update, context: BotContext) -> None:
    """Unsubscribe the person from every alert."""
    removed = await safe(store.unsubscribe(context.services.storage.db, context.person), None, "unsubscribe")
    if removed is None:
        await _unavailable(context)
        return
    lang = context.language
    await _send(context, Reply([context.content.text(lang, "alerts.stopped" if removed else "alerts.stopped_none")]))


def _without(markup: InlineKeyboardMarkup | None, data: str) -> InlineKeyboardMarkup | None:
    """The keyboard without the button that carries data (None if nothing is left)."""
    if markup is None:
        return None
    rows = [[b for b in row if b.callback_data != data] for row in markup.inline_keyboard]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


async def _change(context: BotContext, topic: str, on: bool) -> bool:
    """Subscribe or unsubscribe; False when the database is unavailable."""
    svc, db = context.services, context.services.storage.db
    try:
        if on:
            await store.subscribe(db, context.person, topic, svc.region, context.language)
        else:
            await store.unsubscribe(db, context.person, topic)
    except OUTAGES:
        return False
    return True


async def on_alert_button(update: Update, context: BotContext) -> None:
    """Toggle a topic from /alerts, subscribe from under an answer, or unsubscribe from under an alert."""
    query = update.callback_query
    assert query is not None
    with contextlib.suppress(TelegramError):
        await query.answer()
    if query.message is None or query.message.chat.type != ChatType.PRIVATE or not query.data:
        return
    svc, content, lang, data = context.services, context.content, context.language, query.data
    prefix = next(p for p in ALERT_BUTTONS if data.startswith(p))
    topic = data.removeprefix(prefix)
    if topic not in content.region(svc.region).alert_topics and prefix != ALERT_OFF:
        await alerts_command(update, context)  # an old button: show what can be chosen now
        return
    mine = await safe(store.subscriptions(svc.storage.db, context.person), _DOWN, "read alert subscriptions")
    on = prefix == ALERT_ON or (prefix == ALERT_TOGGLE and mine is not None and topic not in mine)
    if mine is None or not await _change(context, topic, on):
        await _unavailable(context)
        return
    markup = query.message.reply_markup if hasattr(query.message, "reply_markup") else None
    with contextlib.suppress(TelegramError):  # the old toggles or button go; the reply carries the new state
        await query.edit_message_reply_markup(reply_markup=None if prefix == ALERT_TOGGLE else _without(markup, data))
    title = topic_title(content, svc.region, topic, lang)
    said = Reply([content.text(lang, "alerts.subscribed" if on else "alerts.unsubscribed", title=title)])
    if prefix == ALERT_TOGGLE:
        mine = (mine | {topic}) if on else (mine - {topic})
        menu = _menu(content, svc.region, lang, mine)
        said = Reply([said.messages[0], menu.messages[0]], menu.buttons)
    await _send(context, said)
