"""The Telegram handlers: commands, typed text, buttons, other message kinds, chats that are not private."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.answers import (
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
from bot.assistant import DEFAULT_LANGUAGE
from bot.content_model import Content
from bot.handoff import complaint
from bot.handoff.escalation import after_turn as escalate_after_turn
from bot.handoff.escalation import is_urgent
from bot.handoff.relay import HANDOFF_KEY, Handoff
from bot.telegram.commands import COMMANDS
from bot.telegram.feedback import after_turn
from bot.telegram.identity import pseudonym
from bot.telegram.render import send_reply
from bot.telegram.state import Services, services

log = logging.getLogger(__name__)

FORGET_YES = "tg:forget:yes"  # our own buttons; never sent to the assistant
FORGET_NO = "tg:forget:no"


def telegram_language(user: User | None, codes: list[str]) -> str | None:
    """The language of the person's Telegram app, if we speak it ("pt-br" counts as "pt")."""
    code = ((user.language_code if user else None) or "").split("-")[0].lower()
    return code if code in codes else None


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None  # every update these handlers get has a chat
    return update.effective_chat.id


def _person(svc: Services, update: Update) -> str:
    """The person's pseudonym: their Rasa conversation id and their key in the database."""
    assert update.effective_user is not None  # every update these handlers get has a sender
    return pseudonym(svc.settings.pseudonym_secret, update.effective_user.id)


def _language(svc: Services, update: Update) -> str:
    """The chat's language so far, else the Telegram app's language, else English."""
    codes = svc.assistant.store.current().language_codes
    known = svc.memory.languages.get(_chat_id(update))
    return known or telegram_language(update.effective_user, codes) or DEFAULT_LANGUAGE


def _language_buttons(content: Content, lang: str) -> list[Button]:
    """One button per language in its own script, the current one marked."""
    return [
        Button(content.text(lang, "telegram.language_current", name=b.title), b.payload)
        if x.code == lang else b
        for x, b in zip(content.languages, language_menu(content, lang).buttons, strict=True)
    ]


def _handoff(context: ContextTypes.DEFAULT_TYPE) -> Handoff | None:
    """The handoff to staff, or None without STAFF_CHAT_ID."""
    return context.bot_data.get(HANDOFF_KEY)  # type: ignore[no-any-return]


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, current: str | None,
               trusted: bool = False) -> None:
    """Run text through the assistant as this person, remember the language, send the reply.

    An urgent message, a request for a person or a complaint is escalated instead (bot/handoff/escalation.py).
    """
    svc = services(context)
    chat_id = _chat_id(update)
    person = _person(svc, update)
    handoff = _handoff(context)
    if handoff is not None and text.startswith("/"):  # a button or command ends a complaint being written
        await complaint.drop(handoff, person)
    turn = await svc.assistant.handle(person, text, current, trusted=trusted)
    if turn.forget_asked:  # confirmed with our own buttons (on_button), as after /forget
        turn.reply = forget_question(svc.assistant.store.current(), turn.language, FORGET_YES, FORGET_NO)
    if turn.forget:  # the assistant deleted the conversation; now the rows
        if not await svc.storage.forget(person, chat_id):
            turn = svc.assistant.unavailable(text, turn.language)  # never say "deleted" when it was not
    else:
        await svc.storage.set_language(person, chat_id, turn.language)
    if await escalate_after_turn(svc, handoff, context.bot, chat_id, person, text, turn):
        return
    feedback_row = await after_turn(context, text, turn)  # keeps unanswered questions; 👍 👎 row
    await send_reply(context.bot, chat_id, turn.reply, svc.payloads, feedback_row)


async def _send(context: ContextTypes.DEFAULT_TYPE, update: Update, reply: Reply) -> None:
    svc = services(context)
    await send_reply(context.bot, _chat_id(update), reply, svc.payloads)


async def remember(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Load the person's stored language and record their chat, before any other handler runs."""
    chat = update.effective_chat
    if chat is None or chat.type != ChatType.PRIVATE or update.effective_user is None:
        return
    svc = services(context)
    await svc.storage.load(_person(svc, update), chat.id)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome the person, tell them what is kept, and offer the languages."""
    svc = services(context)
    content = svc.assistant.store.current()
    lang = _language(svc, update)
    await svc.storage.set_language(_person(svc, update), _chat_id(update), lang)
    text = "\n\n".join([
        content.text(lang, "telegram.welcome"),
        content.text(lang, "telegram.privacy_notice", days=svc.settings.retention_days),
        content.text(lang, "language.menu"),
    ])
    await _send(context, update, Reply([text], _language_buttons(content, lang)))


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the languages, the current one marked."""
    svc = services(context)
    content = svc.assistant.store.current()
    lang = _language(svc, update)
    await _send(context, update, Reply([content.text(lang, "language.menu")], _language_buttons(content, lang)))


async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the topic menu."""
    await _ask(update, context, MENU_PAYLOAD, _language(services(context), update))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what is stored, for how long, and how to delete it."""
    await _ask(update, context, PRIVACY_PAYLOAD, _language(services(context), update))


async def human(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Give the ways to reach a person (with a staff chat, bot.handoff opens a case before this runs)."""
    await _ask(update, context, HUMAN_PAYLOAD, _language(services(context), update))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain how to ask, list the commands, and offer the menu."""
    svc = services(context)
    content = svc.assistant.store.current()
    lang = _language(svc, update)
    lines = [f"/{name} – {content.text(lang, string_id)}" for name, string_id in COMMANDS.items()]
    text = "\n".join([content.text(lang, "telegram.help"), "", *lines])
    await _send(context, update, Reply([text], [menu_button(content, lang)]))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask the person to confirm before deleting everything stored about them."""
    svc = services(context)
    content = svc.assistant.store.current()
    lang = _language(svc, update)
    await _send(context, update, forget_question(content, lang, FORGET_YES, FORGET_NO))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a typed message through the assistant (or take it as the next answer of a complaint)."""
    assert update.message is not None and update.message.text is not None
    svc = services(context)
    handoff, text = _handoff(context), update.message.text
    if (handoff is not None and not is_urgent(svc, text)  # someone in danger gets the numbers, not question 2
            and await complaint.take_answer(handoff, context.bot, _chat_id(update), _person(svc, update), text)):
        return
    await _ask(update, context, update.message.text, svc.memory.languages.get(_chat_id(update)))


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that only typed text is understood, with the menu and the help lines; never download the file."""
    svc = services(context)
    content = svc.assistant.store.current()
    lang = _language(svc, update)
    text = contacts(content, svc.region, lang, "telegram.text_only")
    await _send(context, update, Reply([text], [menu_button(content, lang)]))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button press at once, then act on its payload like a typed message."""
    query = update.callback_query
    assert query is not None
    with contextlib.suppress(TelegramError):  # a query too old to answer still gets its reply
        await query.answer()
    if query.message is None or query.message.chat.type != ChatType.PRIVATE:
        return
    svc = services(context)
    payload = svc.payloads.decode(query.data or "")
    lang = _language(svc, update)
    handoff = _handoff(context)
    if payload == complaint.CANCEL and handoff is not None:
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=None)
        await complaint.cancel(handoff, context.bot, _chat_id(update), _person(svc, update), lang)
        return
    if payload in (FORGET_YES, FORGET_NO):
        with contextlib.suppress(TelegramError):  # the question cannot be answered twice
            await query.edit_message_reply_markup(reply_markup=None)
        if payload == FORGET_YES:
            await _ask(update, context, FORGET_ME_PAYLOAD, lang, trusted=True)  # confirmed with our own button
        else:
            content = svc.assistant.store.current()
            await _send(context, update, Reply([content.text(lang, "telegram.forget_kept")],
                                               [menu_button(content, lang)]))
        return
    # A short id from before a restart is unknown: show the menu rather than nothing.
    await _ask(update, context, payload or MENU_PAYLOAD, lang)


async def not_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say once per group that the assistant works only in private chats, then stay quiet (on every replica)."""
    svc = services(context)
    chat_id = _chat_id(update)
    first = await svc.once.first("private-only", chat_id) if svc.once is not None else None
    if first is None:  # one replica (no REDIS_URL), or Redis unreachable: this process remembers
        first = chat_id not in svc.memory.told_private_only
    svc.memory.told_private_only.add(chat_id)
    if not first:
        return
    content = svc.assistant.store.current()
    lang = telegram_language(update.effective_user, content.language_codes) or DEFAULT_LANGUAGE
    await _send(context, update, Reply([content.text(lang, "telegram.private_only")]))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and, in a private chat, still answer with the help line numbers."""
    log.error("Handling a Telegram update failed", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    svc = services(context)
    turn = svc.assistant.unavailable("", _language(svc, update))
    with contextlib.suppress(TelegramError):
        await _send(context, update, turn.reply)
