"""End to end over the fake Bot API: /start, language picker, a question in Arabic, a related button."""

from __future__ import annotations

import pytest

from bot.privacy.pseudonym import pseudonym
from bot.replies import language_payload, topic_payload
from bot.telegram.core.commands import COMMANDS
from bot.telegram.core.render import escape
from tests.helpers.telegram import SECRET, Person, buttons

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _topic_of(content, lang, text):
    """The topic whose first message in lang opens this (escaped) text, if any."""
    for tid in content.topic_ids:
        topic = content.topic("es-barcelona", tid)
        if text.startswith(escape(topic.translations[lang].messages[0].strip())):
            return tid
    return None


async def test_commands_are_registered_in_every_language(telegram, assistant):
    content = assistant.store.current()
    registered = {c.params.get("language_code"): c.params["commands"] for c in telegram.called("setMyCommands")}
    assert set(registered) == {None, *content.language_codes}
    for code in content.language_codes:
        assert [c["command"] for c in registered[code]] == list(COMMANDS)
        assert registered[code][-1]["description"] == content.text(code, "telegram.command.forget")
    assert registered[None] == registered["en"]


async def test_start_pick_arabic_ask_and_follow_a_related_button(telegram, assistant):
    content = assistant.store.current()
    person = Person(telegram, 1001, "en")
    [welcome] = await person.say("/start")
    assert welcome["text"].startswith(escape(content.text("en", "telegram.welcome")))
    assert escape(content.text("en", "telegram.privacy_notice", days=90)) in welcome["text"]
    keys = buttons(welcome)
    assert [b["callback_data"] for b in keys] == [language_payload(x.code) for x in content.languages]
    assert keys[0]["text"] == content.text("en", "telegram.language_current", name="English")
    assert "العربية" in [b["text"] for b in keys]

    [chosen] = await person.press(welcome, language_payload("ar"))
    assert chosen["text"] == escape(content.text("ar", "language.set"))

    answer = await person.say("كيف أحصل على البطاقة الصحية لكي أذهب إلى الطبيب؟")
    topic = _topic_of(content, "ar", answer[0]["text"])
    assert topic, answer[0]["text"]
    related = [
        b["callback_data"]
        for b in buttons(answer[-1])
        if b["callback_data"] in {topic_payload(t) for t in content.topic_ids}
    ]
    assert related, buttons(answer[-1])

    follow = await person.press(answer[-1], related[0])
    assert _topic_of(content, "ar", follow[0]["text"]) == related[0][1:]
    # the conversation is stored under the keyed hash, never the Telegram id
    assert await assistant.client.events(pseudonym(SECRET, 1001))
    assert not await assistant.client.events("1001")


async def test_start_preselects_the_telegram_app_language(telegram, assistant):
    content = assistant.store.current()
    [welcome] = await Person(telegram, 1011, "ar").say("/start")
    assert welcome["text"].startswith(escape(content.text("ar", "telegram.welcome")))
    assert content.text("ar", "telegram.language_current", name="العربية") in [b["text"] for b in buttons(welcome)]
    [other] = await Person(telegram, 1012, "de").say("/start")  # not a language we speak
    assert other["text"].startswith(escape(content.text("en", "telegram.welcome")))
