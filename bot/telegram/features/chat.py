"""The person's chat: commands, typed text, buttons, other message kinds, chats that are not private.

The handoff's updates (an open case, a complaint being written, the staff chat) never get here:
bot/telegram/handoff/intercept.py stops them first.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.assistant import Turn
from bot.content.model import Content
from bot.replies import (
    FORGET_ME_PAYLOAD,
    HUMAN_PAYLOAD,
    MENU_PAYLOAD,
    PRIVACY_PAYLOAD,
    Button,
    Reply,
    contacts,
    forget_question,
    language_menu,
    menu_button,
)
from bot.settings import defaults
from bot.telegram.core.callback_data import FORGET_NO, FORGET_YES
from bot.telegram.core.commands import COMMANDS
from bot.telegram.core.render import send_reply
from bot.telegram.core.services import BotContext, telegram_language
from bot.telegram.features.alerts import subscribe_button
from bot.telegram.features.feedback import record_turn
from bot.telegram.handoff.escalation import escalate_turn
from bot.telegram.handoff.service import handoff_of
from bot.telegram.handoff.topics import delete_copies, delete_topics, topics_of

log = logging.getLogger(__name__)


def _language_buttons(content: Content, lang: str) -> list[Button]:
    """One button per language in its own script, the current one marked."""
    return [
        Button(content.text(lang, "telegram.language_current", name=b.title), b.payload) if x.code == lang else b
        for x, b in zip(content.languages, language_menu(content, lang).buttons, strict=True)
    ]


async def _ask(context: BotContext, text: str, current: str | None, trusted: bool = False) -> None:
    """Run text through the assistant as this person, remember the language, send the reply.

    An urgent message, a request for a person or a complaint is escalated instead
    (bot/telegram/handoff/escalation.py).
    """
    svc, chat_id, person, handoff = context.services, context.chat_id, context.person, handoff_of(context)
    turn = await svc.assistant.handle(person, text, current, trusted=trusted)
    if turn.forget_asked:  # confirmed with our own buttons (on_button), as after /forget
        turn.reply = forget_question(context.content, turn.language, FORGET_YES, FORGET_NO)
    if turn.forget:  # the assistant deleted the conversation; now the rows, then the staff-chat topics
        topics = await topics_of(handoff, person)
        if not await svc.storage.forget(person, chat_id):
            turn = svc.assistant.unavailable(text, turn.language)  # never say "deleted" when it was not
        else:
            turn.reply = await _after_forget(context, turn, person, topics)
    else:
        await svc.storage.set_language(person, chat_id, turn.language)
    if await escalate_turn(svc, handoff, context.bot, chat_id, person, text, turn):
        return
    feedback_row = await record_turn(context, text, turn)  # keeps unanswered questions; 👍 👎 row
    follow = await subscribe_button(svc, person, turn.topic, turn.language)  # "Tell me when this changes"
    reply = Reply(turn.reply.messages, [*turn.reply.buttons, follow]) if follow else turn.reply
    await send_reply(context.bot, chat_id, reply, svc.payloads, feedback_row)


async def _after_forget(context: BotContext, turn: Turn, person: str, topics: list[tuple[int, int]]) -> Reply:
    """The confirmation, only as far as it is true: Rasa's copy read back, the staff topics deleted."""
    lang, content, handoff = turn.language, context.content, handoff_of(context)
    messages = list(turn.reply.messages)
    if not await context.services.assistant.forgotten(person):  # a tracker store that kept it (docs/telegram.md)
        messages = [content.text(lang, "forget.incomplete")]
    if handoff is not None:  # the staff topics, and the copies in staff private chats
        topics_left = await delete_topics(handoff, context.bot, topics)
        if await delete_copies(handoff, context.bot) or topics_left:
            messages.append(content.text(lang, "forget.staff_pending"))  # queued: tried again in the background
    return Reply(messages, turn.reply.buttons)


async def _send(context: BotContext, reply: Reply) -> None:
    await send_reply(context.bot, context.chat_id, reply, context.services.payloads)


async def remember(update: Update, context: BotContext) -> None:
    """Load the person's stored language and record their chat, before any other handler runs."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE or update.effective_user is None:
        return
    await context.services.storage.load(context.person, chat.id)


async def start(update: Update, context: BotContext) -> None:
    """Welcome the person, tell them what is kept, and offer the languages."""
    svc, content, lang = context.services, context.content, context.language
    await svc.storage.set_language(context.person, context.chat_id, lang)
    text = "\n\n".join(
        [
            content.text(lang, "telegram.welcome"),
            content.text(lang, "telegram.privacy_notice", days=svc.settings.storage.retention_days),
            content.text(lang, "language.menu"),
        ]
    )
    await _send(context, Reply([text], _language_buttons(content, lang)))


async def choose_language(update: Update, context: BotContext) -> None:
    """Offer the languages, the current one marked."""
    content, lang = context.content, context.language
    await _send(context, Reply([content.text(lang, "language.menu")], _language_buttons(content, lang)))


async def menu(update: Update, context: BotContext) -> None:
    """Show the topic menu."""
    await _ask(context, MENU_PAYLOAD, context.language)


async def privacy(update: Update, context: BotContext) -> None:
    """Say what is stored, for how long, and how to delete it."""
    await _ask(context, PRIVACY_PAYLOAD, context.language)


async def human(update: Update, context: BotContext) -> None:
    """Give the ways to reach a person (with a staff chat, the handoff opens a case before this runs)."""
    await _ask(context, HUMAN_PAYLOAD, context.language)


async def help_command(update: Update, context: BotContext) -> None:
    """Explain how to ask, list the commands, and offer the menu."""
    content, lang = context.content, context.language
    lines = [f"/{name} – {content.text(lang, string_id)}" for name, string_id in COMMANDS.items()]
    text = "\n".join([content.text(lang, "telegram.help"), "", *lines])
    await _send(context, Reply([text], [menu_button(content, lang)]))


async def forget(update: Update, context: BotContext) -> None:
    """Ask the person to confirm before deleting everything stored about them."""
    await _send(context, forget_question(context.content, context.language, FORGET_YES, FORGET_NO))


async def on_text(update: Update, context: BotContext) -> None:
    """Answer a typed message through the assistant."""
    assert update.message is not None and update.message.text is not None
    await _ask(context, update.message.text, context.services.memory.languages.get(context.chat_id))


async def on_not_text(update: Update, context: BotContext) -> None:
    """Say that only typed text is understood, with the menu and the help lines; never download the file."""
    content, lang = context.content, context.language
    text = contacts(content, context.services.region, lang, "telegram.text_only")
    await _send(context, Reply([text], [menu_button(content, lang)]))


async def on_button(update: Update, context: BotContext) -> None:
    """Answer the button press at once, then act on its payload like a typed message."""
    query = update.callback_query
    assert query is not None
    with contextlib.suppress(TelegramError):  # a query too old to answer still gets its reply
        await query.answer()
    if query.message is None or query.message.chat.type != ChatType.PRIVATE:
        return
    payload = context.services.payloads.decode(query.data or "")
    lang = context.language
    if payload in (FORGET_YES, FORGET_NO):
        with contextlib.suppress(TelegramError):  # the question cannot be answered twice
            await query.edit_message_reply_markup(reply_markup=None)
        if payload == FORGET_YES:
            await _ask(context, FORGET_ME_PAYLOAD, lang, trusted=True)  # confirmed with our own button
        else:
            content = context.content
            await _send(context, Reply([content.text(lang, "telegram.forget_kept")], [menu_button(content, lang)]))
        return
    # A short id from before a restart is unknown: show the menu rather than nothing.
    await _ask(context, payload or MENU_PAYLOAD, lang)


async def not_private(update: Update, context: BotContext) -> None:
    """Say once per group that the assistant works only in private chats, then stay quiet (on every replica)."""
    svc, chat_id = context.services, context.chat_id
    first = await svc.once.first("private-only", chat_id) if svc.once is not None else None
    if first is None:  # one replica (no REDIS_URL), or Redis unreachable: this process remembers
        first = chat_id not in svc.memory.told_private_only
    svc.memory.told_private_only.add(chat_id)
    if not first:
        return
    content = context.content
    lang = telegram_language(update.effective_user, content.language_codes) or defaults.LANGUAGE
    await _send(context, Reply([content.text(lang, "telegram.private_only")]))


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure and, in a private chat, still answer with the help line numbers."""
    log.error("Handling a Telegram update failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    turn = context.services.assistant.unavailable("", context.language)
    with contextlib.suppress(TelegramError):
        await _send(context, turn.reply)
