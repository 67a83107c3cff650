"""`python -m bot content preview`: an answer exactly as the Telegram front end sends it.

The reply is composed by bot.replies.topic_reply (the same code the assistant
runs) and cut and escaped by the Telegram renderer, so editors see the HTML
text Telegram receives, message by message, then the buttons row by row.
"""

from __future__ import annotations

import datetime as dt
import difflib

from bot.content.model import Content


class PreviewError(Exception):
    """The topic, language or region asked for does not exist."""


def require_known(kind: str, value: str, known: list[str]) -> None:
    """Raise PreviewError naming the closest known names when value is not one of known."""
    if value not in known:
        close = difflib.get_close_matches(value, known, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else f" Known: {', '.join(known)}."
        raise PreviewError(f"Unknown {kind} {value!r}.{hint}")


def render_preview(content: Content, topic_id: str, lang: str, region: str, today: dt.date | None = None) -> str:
    """The answer as text: a header for the editor, each Telegram message, then the buttons."""
    from bot.replies import topic_reply
    from bot.telegram.core.callback_data import CallbackPayloads
    from bot.telegram.core.render import keyboard, message_texts
    from bot.telegram.features.feedback import feedback_row

    require_known("topic", topic_id, content.topic_ids)
    require_known("language", lang, content.language_codes)
    require_known("region", region, sorted(content.topics))
    today = today or dt.date.today()
    topic = content.topic(region, topic_id)
    reply = topic_reply(content, region, lang, topic_id, today)
    texts = message_texts(reply)  # as Telegram shows it
    header = f"{topic_id} · {lang} · {region}"
    if topic is None:
        header += " · no answer written: the assistant says it is being updated"
    else:
        header += f" · from {topic.path}"
        tr = topic.translations.get(lang)
        if topic.expired(today):
            header += f" · EXPIRED on {topic.valid_until}: the assistant says it is being updated"
        elif tr is None:
            header += f" · the {lang} translation has errors: the assistant says it is being updated"
        else:
            header += f" · status: {tr.status}"
    out = [header]
    for i, text in enumerate(texts, 1):
        out += ["", f"--- message {i} of {len(texts)} ---", text]
    markup = keyboard(reply.buttons, CallbackPayloads(), feedback_row(content, lang, topic_id))  # 👍 👎 last
    if markup is not None:
        out += ["", "--- buttons ---"]
        out += [" ".join(f"[{key.text}]" for key in row) for row in markup.inline_keyboard]
    return "\n".join(out)
