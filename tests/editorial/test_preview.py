"""`content preview` shows what Telegram receives: escaped HTML messages, then the buttons."""

from __future__ import annotations

import html
from pathlib import Path

from bot.content.load import load_content
from bot.replies import topic_title
from tests.helpers.editing import Bot, edit


def test_barcelona_topic_in_arabic_is_escaped_with_its_buttons(bot: Bot, content_dir: Path):
    path = content_dir / "es-barcelona" / "registration.municipal.yml"
    edit(path, "كيف؟ اتصل بالرقم 010", "كيف؟ <b>اتصل</b> & بالرقم 010")
    result = bot(
        "content",
        "preview",
        "registration.municipal",
        "--lang",
        "ar",
        "--region",
        "es-barcelona",
        "--content",
        str(content_dir),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    content = load_content(content_dir)
    topic = content.topics["es-barcelona"]["registration.municipal"]
    messages = topic.translations["ar"].messages
    assert "كيف؟ &lt;b&gt;اتصل&lt;/b&gt; &amp; بالرقم 010" in out and "<b>" not in out
    for message in messages:
        assert html.escape(message, quote=False) in out
    # one Telegram message, as the person gets it: the parts joined by blank lines
    assert out.index("--- message 1 of 1 ---") < out.index("--- buttons ---")
    joined = "\n\n".join(html.escape(m.strip(), quote=False) for m in messages)
    assert joined in out
    buttons = out.split("--- buttons ---\n", 1)[1].splitlines()
    expected = [topic_title(content, "es-barcelona", "ar", t) for t in topic.related]
    assert buttons == [f"[{t}]" for t in expected] + [
        f"[{content.text('ar', 'button.talk_to_person')}]",
        f"[{content.text('ar', 'telegram.feedback.helpful')}] [{content.text('ar', 'telegram.feedback.not_helpful')}]",
    ]
    assert "status: machine_translation" in out.splitlines()[0]


def test_unknown_topic_or_language_is_a_clear_error(bot: Bot, content_dir: Path):
    topic = bot("content", "preview", "registration.municipl", "--lang", "ar", "--content", str(content_dir))
    lang = bot("content", "preview", "registration.municipal", "--lang", "de", "--content", str(content_dir))
    assert topic.returncode == lang.returncode == 2
    assert "Unknown topic 'registration.municipl'. Did you mean registration.municipal" in topic.stderr
    known = ", ".join(load_content(content_dir).language_codes)
    assert f"Unknown language 'de'. Known: {known}." in lang.stderr
    assert topic.stdout == lang.stdout == ""
