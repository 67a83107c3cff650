"""Turn the assistant's Reply into Telegram messages: escaped HTML, split under 4096, inline keyboards."""

from __future__ import annotations

import html

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode

from bot.replies import Button, Reply
from bot.telegram.core.callback_data import CallbackPayloads

TEXT_LIMIT = 4000  # under Telegram's 4096, counted in UTF-16 units of the escaped text
SHORT_TITLE = 18  # buttons with titles this short go two to a row
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # source links: no previews on cheap data plans


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """Content text made safe for Telegram HTML."""
    return html.escape(text, quote=False)


def _break_at(text: str) -> int:
    """Where to cut a piece that is too long: a paragraph, line or word break in its second half."""
    for sep in ("\n\n", "\n", " "):
        at = text.rfind(sep)
        if at > len(text) // 2:
            return at + len(sep)
    return len(text)


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Escape text and cut it into pieces whose HTML fits one Telegram message, in order."""
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if _units(escape(rest)) <= limit:
            pieces.append(escape(rest))
            break
        size = fits = 0
        for ch in rest:
            size += _units(escape(ch))
            if size > limit:
                break
            fits += 1
        cut = _break_at(rest[:fits])
        pieces.append(escape(rest[:cut].rstrip()))
        rest = rest[cut:].lstrip()
    return pieces


def keyboard(
    buttons: list[Button], payloads: CallbackPayloads, last_row: list[Button] | None = None
) -> InlineKeyboardMarkup | None:
    """An inline keyboard for the buttons: short titles two per row, others one per row; last_row as one row."""
    if not buttons and not last_row:
        return None
    per_row = 2 if len(buttons) > 3 and all(len(b.title) <= SHORT_TITLE for b in buttons) else 1
    keys = [InlineKeyboardButton(b.title, callback_data=payloads.encode(b.payload)) for b in buttons]
    rows = [keys[i : i + per_row] for i in range(0, len(keys), per_row)]
    if last_row:
        rows.append([InlineKeyboardButton(b.title, callback_data=payloads.encode(b.payload)) for b in last_row])
    return InlineKeyboardMarkup(rows)


async def send_html(  # noqa: PLR0913
    bot: Bot,
    chat_id: int,
    pieces: list[str],
    markup: InlineKeyboardMarkup | None = None,
    thread_id: int | None = None,
    paid_broadcast: bool = False,
) -> list[Message]:
    """Send HTML pieces (from split_html) in order, markup under the last; thread_id: a forum topic.

    Every text the bot sends goes through here. paid_broadcast: Telegram's allow_paid_broadcast (alerts).
    """
    sent: list[Message] = []
    for i, piece in enumerate(pieces):
        sent.append(
            await bot.send_message(
                chat_id,
                piece,
                message_thread_id=thread_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup if i == len(pieces) - 1 else None,
                allow_paid_broadcast=True if paid_broadcast else None,
            )
        )
    return sent


def message_texts(reply: Reply) -> list[str]:
    """The Telegram messages of a Reply: its parts joined by blank lines, split only where one would not fit.

    One answer is one message (one notification, one message of the 30 a second Telegram allows a bot).
    """
    return split_html("\n\n".join(part.strip() for part in reply.messages if part.strip()))


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, payloads: CallbackPayloads, last_row: list[Button] | None = None
) -> list[Message]:
    """Send a Reply in as few messages as fit; its buttons (then last_row, e.g. 👍 👎) go under the last."""
    return await send_html(bot, chat_id, message_texts(reply), keyboard(reply.buttons, payloads, last_row))
