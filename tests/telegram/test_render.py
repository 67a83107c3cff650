"""Rendering replies for Telegram: escaping, splitting, keyboards, callback data, pseudonyms."""

from __future__ import annotations

import html

from bot.privacy.pseudonym import pseudonym
from bot.replies import Button
from bot.telegram.core.callback_data import CallbackPayloads
from bot.telegram.core.render import escape, keyboard, split_html


def test_content_text_is_escaped():
    assert escape("<b>free</b> & open") == "&lt;b&gt;free&lt;/b&gt; &amp; open"
    assert split_html("Tom & Jerry <i>") == ["Tom &amp; Jerry &lt;i&gt;"]


def test_long_text_is_split_in_order_under_the_limit():
    words = [f"w{i}" for i in range(3000)]
    text = "a & b <c>\n\n" + " ".join(words)
    pieces = split_html(text)
    assert len(pieces) >= 3
    assert all(len(p.encode("utf-16-le")) // 2 < 4096 for p in pieces)
    assert html.unescape(" ".join(pieces)).split() == text.split()


def test_split_counts_escaped_and_non_bmp_characters():
    pieces = split_html("&" * 5000)  # 25,000 characters once escaped
    assert all(len(p) <= 4000 for p in pieces)
    assert "".join(pieces) == "&amp;" * 5000
    emoji = split_html("🙂" * 3000)  # two UTF-16 units each
    assert all(len(p.encode("utf-16-le")) // 2 <= 4000 for p in emoji) and "".join(emoji) == "🙂" * 3000


def test_split_prefers_paragraph_breaks():
    first, second = "x" * 3000, "y" * 3000
    assert split_html(f"{first}\n\n{second}") == [first, second]


def test_long_payloads_travel_as_short_ids():
    payloads = CallbackPayloads()
    short = '/menu{"category": "papers"}'
    long = '/change_language{"language": "' + "x" * 80 + '"}'
    assert payloads.encode(short) == short
    data = payloads.encode(long)
    assert len(data.encode()) < 64 and data != long
    assert payloads.decode(data) == long and payloads.decode(short) == short
    assert CallbackPayloads().decode(data) is None  # issued by another process, not from the content: unknown
    replica = CallbackPayloads(known=lambda: [short, long])  # another replica, same content
    assert replica.decode(data) == long and replica.decode("#" + "A" * 20) is None


def test_every_content_payload_decodes_on_any_replica(assistant):
    from bot.replies import content_payloads

    content = assistant.store.current()
    made = content_payloads(content)
    assert "/human_handoff" in made and "/registration.municipal" in made and len(made) > 30
    issuing = CallbackPayloads()
    replica = CallbackPayloads(known=lambda: content_payloads(content))
    for payload in made:
        assert replica.decode(issuing.encode(payload)) == payload


def test_keyboard_rows_and_callback_data():
    payloads = CallbackPayloads()
    few = keyboard([Button("Menu", "/menu"), Button("Talk to a person", "/human_handoff")], payloads)
    assert few is not None and [len(r) for r in few.inline_keyboard] == [1, 1]
    langs = keyboard([Button(n, f"/l{n}") for n in "abcdef"], payloads)
    assert langs is not None and [len(r) for r in langs.inline_keyboard] == [2, 2, 2]
    assert keyboard([], payloads) is None


def test_pseudonym_is_keyed_and_stable():
    a = pseudonym("secret", 12345)
    assert a == pseudonym("secret", 12345) != pseudonym("other", 12345)
    assert a != pseudonym("secret", 12346) and "12345" not in a
    assert len(a) == 64 and int(a, 16) >= 0  # the storage layer's id: Rasa sender id == users.pseudonym
