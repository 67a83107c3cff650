"""Sending a case's stored messages: into its forum topic, to the person, to a staff member's private chat.

Texts are escaped and split when long (bot/telegram/core/render.py); media go by Telegram file id, never
downloaded (photos, documents, voice notes, audio, videos, round videos, stickers).
"""

from __future__ import annotations

from telegram import Bot, Message
from telegram.constants import ParseMode

from bot.handoff.lifecycle import CAPTIONED, MEDIA_KINDS, Case, CaseMessage
from bot.replies import Button, Reply
from bot.telegram.core.render import escape, keyboard, send_html, send_reply, split_html
from bot.telegram.handoff.service import Handoff

CAPTION_CHARS = 1000  # of a photo's, document's or voice note's caption (Telegram allows 1024)


async def to_topic(
    handoff: Handoff, bot: Bot, case: Case, text: str, buttons: list[Button] | None = None, html_tail: str = ""
) -> Message:
    """Send text (escaped, split if long) into the case's forum topic; html_tail and buttons on the last piece."""
    pieces = split_html(text) or [""]
    if html_tail:
        pieces[-1] = f"{pieces[-1]}\n\n{html_tail}".strip()
    markup = keyboard(buttons or [], handoff.services.payloads)
    sent = await send_html(bot, handoff.chat_of(case), pieces, markup, case.forum_topic_id)
    return sent[-1]


def media_of(message: Message) -> tuple[str | None, str | None, str]:
    """A message's media (kind, Telegram file id) and its text or caption; kind None for text.

    Photos, documents, voice notes, audio, videos, round videos and stickers are relayed by file id:
    the bot never downloads them. Anything else (a location, a contact, a poll) has no file id.
    """
    for kind in MEDIA_KINDS:
        media = getattr(message, kind, None)
        if media:
            file_id = media[-1].file_id if isinstance(media, (list, tuple)) else media.file_id  # photo: largest size
            return kind, file_id, message.caption or ""
    return None, None, message.text or ""


async def send_stored(
    handoff: Handoff, bot: Bot, case: Case, message: CaseMessage, chat_id: int | None, label: str = ""
) -> list[Message]:
    """Send one stored message: to chat_id (the person, a staff member), or (None) into the case's topic.

    label goes before the text or caption (a private copy's case number); what Telegram sent is returned.
    """
    text = f"{label}{message.text}"
    if message.media_kind is None:
        if chat_id is None:
            return [await to_topic(handoff, bot, case, text)]
        return await send_reply(bot, chat_id, Reply([text]), handoff.services.payloads)
    send = getattr(bot, f"send_{message.media_kind}")  # send_photo, send_voice, send_sticker...
    caption = (
        {"caption": escape(text[:CAPTION_CHARS]) or None, "parse_mode": ParseMode.HTML}
        if message.media_kind in CAPTIONED
        else {}
    )
    sent = await send(
        chat_id or handoff.chat_of(case),
        message.media_file_id,
        message_thread_id=None if chat_id else case.forum_topic_id,
        **caption,
    )
    return [sent]
