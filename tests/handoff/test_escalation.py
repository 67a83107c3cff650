"""Escalation end to end (real model, real Application, fake Bot API): a typed request for a person, the offer
after two messages not understood, and urgent messages (emergency numbers first, then an urgent case)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from bot.replies import HUMAN_PAYLOAD, MENU_PAYLOAD, emergency_text
from bot.telegram.core.render import escape
from tests.helpers.forum import ForumBotApi
from tests.helpers.handoff import cases, text_of
from tests.helpers.telegram import Person, buttons
from tests.helpers.vague import not_understood

pytestmark = pytest.mark.asyncio(loop_scope="session")

OUT_OF_SCOPE = "who won the football match yesterday"  # the model: out_of_scope


@pytest.fixture
async def vague(assistant: Any) -> str:
    """A message the model does not understand: nlu_fallback (no topic sure enough: config.yml thresholds)."""
    return await not_understood(assistant)


@pytest.fixture
def thailand(assistant: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The deployment serves the Thailand pack (REGION=th) for one test."""
    monkeypatch.setattr(assistant, "region", "th")
    return "th"


def person_calls(api: ForumBotApi, chat_id: int, since: int) -> list[str]:
    """The methods called from since on, person's messages as 'to person', in order."""
    return [
        "to person" if c.method == "sendmessage" and c.params["chat_id"] == chat_id else c.method
        for c in api.calls[since:]
    ]


async def test_typing_that_you_want_a_person_opens_a_case(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    person = Person(forum_api, 6001, "es")
    async with handoff_bot() as app:
        since = forum_api.mark()
        [reply] = await person.say("quiero hablar con una persona", count=1)
        [topic] = await forum_api.wait_for(lambda _: forum_api.topics(since))
        assert topic["name"] == "#1 · es · request"
        [case] = cases(app)
        assert (case["kind"], case["language"], case["state"]) == ("request", "es", "queued")
        assert not reply["text"].startswith(text_of(content, "es", "handoff.intro"))  # not the action's hotlines


@pytest.mark.parametrize(
    ("uid", "lang", "text"), [(6002, "es", "quiero hablar con una persona"), (5106, "en", "/human")]
)
async def test_without_a_staff_chat_asking_for_a_person_gives_the_hotlines(
    handoff_bot, forum_api, assistant, uid, lang, text
):
    content = assistant.store.current()
    async with handoff_bot(staff=False):
        replies = await Person(forum_api, uid, lang).say(text)  # typed, or the /human command
    assert replies[0]["text"].startswith(text_of(content, lang, "handoff.intro"))
    assert forum_api.topics() == []


async def test_two_messages_not_understood_in_a_row_offer_a_person(
    handoff_bot, forum_api: ForumBotApi, assistant, vague
):
    content = assistant.store.current()
    person = Person(forum_api, 6003, "en")
    async with handoff_bot() as app:
        first = await person.say(vague)
        assert all(m["text"] != text_of(content, "en", "handoff.offer.after_fallbacks") for m in first)
        [offer] = await person.say(OUT_OF_SCOPE)
        assert offer["text"] == text_of(content, "en", "handoff.offer.after_fallbacks")
        assert [b["callback_data"] for b in buttons(offer)] == [HUMAN_PAYLOAD, MENU_PAYLOAD]

        since = forum_api.mark()
        [waiting] = await person.press(offer, HUMAN_PAYLOAD, count=1)
        assert [t["name"] for t in forum_api.topics(since)] == ["#1 · en · request"]
        assert cases(app)[0]["kind"] == "request" and waiting["text"]


async def test_the_offer_is_the_assistants_own_reply_in_every_front_end(assistant, vague):
    content = assistant.store.current()
    conversation = f"test-{uuid.uuid4().hex[:10]}"
    first = await assistant.handle(conversation, vague, "en")
    second = await assistant.handle(conversation, OUT_OF_SCOPE, "en")
    assert (first.topic, second.topic) == ("nlu_fallback", "out_of_scope")
    assert content.text("en", "handoff.offer.after_fallbacks") not in first.reply.messages
    assert second.reply.messages == [content.text("en", "handoff.offer.after_fallbacks")]
    assert [b.payload for b in second.reply.buttons] == [HUMAN_PAYLOAD, MENU_PAYLOAD]


async def test_a_message_understood_in_between_resets_the_count(handoff_bot, forum_api: ForumBotApi, assistant, vague):
    content = assistant.store.current()
    person = Person(forum_api, 6004, "en")
    async with handoff_bot():
        await person.say(vague)
        await person.say("how do I register at the town hall?")
        again = await person.say(OUT_OF_SCOPE)
    assert all(m["text"] != text_of(content, "en", "handoff.offer.after_fallbacks") for m in again)


async def test_urgent_trafficking_in_thai_gets_the_emergency_numbers_first_then_an_urgent_case(
    handoff_bot, forum_api: ForumBotApi, assistant, thailand
):
    content = assistant.store.current()
    person = Person(forum_api, 6005, "th")
    async with handoff_bot() as app:
        since = forum_api.mark()
        numbers, waiting = await person.say("นายจ้างขังฉันไว้ในห้องและยึดพาสปอร์ตของฉัน ช่วยด้วย", count=2)
        assert numbers["text"] == escape(emergency_text(content, thailand, "th"))
        assert numbers["text"].startswith(text_of(content, "th", "handoff.urgent.call_now", number="191"))
        assert "1300" in numbers["text"]  # the region's help lines, from content/th/region.yml
        calls = person_calls(forum_api, 6005, since)
        assert calls.index("to person") < calls.index("createforumtopic")  # the numbers before anything else
        [topic] = forum_api.topics(since)
        assert topic["name"].startswith("#1 · th") and "urgent" in topic["name"].lower()
        [case] = cases(app)
        assert (case["kind"], case["topic"], case["region"]) == ("urgent", "safety.trafficking", "th")
        assert waiting["text"]


@pytest.mark.parametrize(
    "lang, question",
    [("en", "what are the signs of human trafficking?"), ("es", "¿cuáles son las señales de la trata de personas?")],
)
async def test_a_question_about_trafficking_gets_the_answer_not_an_urgent_case(
    handoff_bot, forum_api, assistant, lang, question
):
    content = assistant.store.current()
    async with handoff_bot() as app:
        replies = await Person(forum_api, 6006, lang).say(question)
        answer = content.topic("es-barcelona", "safety.trafficking").translations[lang].messages[0]
        assert escape(answer) in replies[0]["text"]
        assert forum_api.topics() == [] and cases(app) == []


async def test_without_staff_an_urgent_message_gets_the_emergency_numbers(handoff_bot, forum_api, assistant):
    content = assistant.store.current()
    async with handoff_bot(staff=False):
        [numbers] = await Person(forum_api, 6007, "en").say("Please help, my husband is beating me")
    assert numbers["text"] == escape(emergency_text(content, "es-barcelona", "en"))
    assert numbers["text"].startswith(text_of(content, "en", "handoff.urgent.call_now", number="112"))
    assert forum_api.topics() == []


async def test_danger_written_during_an_open_case_gets_the_numbers_and_makes_it_urgent(
    handoff_bot, forum_api: ForumBotApi, assistant
):
    from tests.helpers.handoff import escalate

    content = assistant.store.current()
    person = Person(forum_api, 6011, "en")
    danger = "Please help, my husband is beating me"
    async with handoff_bot() as app:
        _, _, thread = await escalate(forum_api, person)
        assert cases(app)[0]["kind"] == "request"
        since = forum_api.mark()
        [numbers] = await person.say(danger, count=1)
        assert numbers["text"] == escape(emergency_text(content, "es-barcelona", "en"))
        note, relayed = await forum_api.wait_in_topic(thread, since, 2)
        assert note["text"].startswith(content.text("en", "handoff.staff.now_urgent", topic="safety.violence"))
        assert relayed["text"] == danger  # the message still reaches staff
        calls = person_calls(forum_api, 6011, since)
        assert calls.index("to person") < calls.index("editforumtopic")  # the numbers before anything else
        [renamed] = forum_api.called("editForumTopic", since)
        assert (
            renamed.params["name"].startswith("#1 · en · safety.violence")
            and "urgent" in renamed.params["name"].lower()
        )
        [case] = cases(app)
        assert (case["kind"], case["topic"], case["state"]) == ("urgent", "safety.violence", "queued")
        since = forum_api.mark()  # already urgent: the numbers again, no second note
        [again] = await person.say("he is beating me again", count=1)
        assert again["text"] == numbers["text"]
        [relayed] = await forum_api.wait_in_topic(thread, since, 1)
        assert relayed["text"] == "he is beating me again" and not forum_api.called("editForumTopic", since)
