"""End to end through the real trained model and the real action server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from bot.replies import language_payload, topic_payload
from tests.helpers.vague import VAGUE

pytestmark = pytest.mark.asyncio(loop_scope="session")


def new_id() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


async def test_answers_in_the_language_of_the_question(assistant):
    content = assistant.store.current()
    cases = [
        ("¿Puedo empadronarme sin contrato de alquiler?", "es", "registration.municipal"),
        ("how do I get a health card to see a doctor", "en", "health.access"),
        ("je veux inscrire mon fils à l'école", "fr", "education.school"),
        ("ลูกฉันไม่มีเอกสาร เข้าเรียนได้ไหม", "th", "education.school"),
    ]
    for text, lang, topic in cases:
        turn = await assistant.handle(new_id(), text)
        assert (turn.language, turn.topic) == (lang, topic), (text, turn.as_json())
        expected = content.topic("es-barcelona", topic).translations[lang].messages[0]
        assert turn.reply.messages[0] == expected
        assert any(b.payload == "/human_handoff" for b in turn.reply.buttons)


async def test_region_answer_has_source_and_phone_number(assistant):
    turn = await assistant.handle(new_id(), "/registration.municipal", "en")
    joined = "\n".join(turn.reply.messages)
    assert "010" in joined and "https://" in joined


async def test_later_question_in_another_language_switches(assistant):
    cid = new_id()
    first = await assistant.handle(cid, "hello, I need help with papers")
    assert first.language == "en"
    second = await assistant.handle(cid, "necesito un médico para mi hija, no tengo papeles", first.language)
    assert second.language == "es"
    third = await assistant.handle(cid, "ok", second.language)
    assert third.language == "es"  # too short to switch


async def test_language_menu_choice_sets_language(assistant):
    cid = new_id()
    menu = await assistant.handle(cid, "/change_language", "en")
    assert language_payload("ar") in [b.payload for b in menu.reply.buttons]
    turn = await assistant.handle(cid, language_payload("ar"), "en")
    content = assistant.store.current()
    assert turn.language == "ar"
    assert turn.reply.messages == [content.text("ar", "language.set")]


async def test_unsupported_language_gets_english_and_the_list(assistant):
    turn = await assistant.handle(new_id(), "Где я могу найти врача для моего ребёнка?")
    content = assistant.store.current()
    assert turn.language == "en"
    for lang in content.languages:
        assert lang.name in turn.reply.messages[0]


async def test_unclear_question_offers_topics_and_a_person(assistant):
    content = assistant.store.current()
    fallbacks = []
    for text in VAGUE:
        turn = await assistant.handle(new_id(), text, "en")
        if turn.topic == "nlu_fallback":
            fallbacks.append(turn)
    assert fallbacks, "none of the vague messages led to 'did you mean'"
    for turn in fallbacks:
        assert turn.reply.messages[0] == content.text("en", "fallback.did_you_mean")
        payloads = [b.payload for b in turn.reply.buttons]
        assert 2 <= len(turn.suggestions) <= 3
        assert set(turn.suggestions) <= set(content.topic_ids)
        assert payloads[: len(turn.suggestions)] == [topic_payload(t) for t in turn.suggestions]
        assert payloads[-1] == "/human_handoff"
        assert turn.confidence < 1.0


@pytest.mark.parametrize(
    "text, string_id",
    [
        ("", "error.empty"),
        ("   \n\t ", "error.empty"),
        ("😀😀😀", "error.no_text"),
        ("600 000 016 123", "error.digits_only"),
    ],
)
async def test_bad_input_gets_a_kind_reply(assistant, text, string_id):
    content = assistant.store.current()
    turn = await assistant.handle(new_id(), text, "fr")
    assert turn.reply.messages == [content.text("fr", string_id)]
    assert turn.language == "fr"


async def test_very_long_message_is_read_in_part(assistant):
    text = "I need a doctor for my daughter. " * 310  # over 10,000 characters
    assert len(text) > 10_000
    turn = await assistant.handle(new_id(), text)
    content = assistant.store.current()
    assert turn.reply.messages[0] == content.text("en", "error.too_long")
    assert len(turn.reply.messages) > 1


async def test_gibberish_and_markup_never_crash(assistant):
    for text in ("asdkj qwpoe zxcmn", "<b>hola</b> *padron* _now_ [x](y)", "padrón كيف 学校"):
        turn = await assistant.handle(new_id(), text)
        assert turn.reply.messages and all(m.strip() for m in turn.reply.messages)


async def test_menu_and_category(assistant):
    content = assistant.store.current()
    menu = await assistant.handle(new_id(), "/menu", "th")
    assert menu.reply.messages == [content.text("th", "menu.title")]
    health = await assistant.handle(new_id(), '/menu{"category": "health"}', "th")
    assert topic_payload("health.access") in [b.payload for b in health.reply.buttons]


async def test_handoff_gives_the_region_hotlines(assistant):
    turn = await assistant.handle(new_id(), "/human_handoff", "es")
    joined = "\n".join(turn.reply.messages)
    for number in ("112", "010", "016"):
        assert number in joined


async def test_forget_me_deletes_the_conversation(assistant):
    cid = new_id()
    await assistant.handle(cid, "hello", None)
    assert await assistant.client.events(cid)
    turn = await assistant.handle(cid, "/forget_me", "en", trusted=True)  # as after the confirmation button
    assert turn.forget
    assert await assistant.client.events(cid) == []


async def test_asking_in_words_to_delete_everything_asks_first(assistant):
    cid = new_id()
    await assistant.handle(cid, "hello", None)
    content = assistant.store.current()
    turn = await assistant.handle(cid, "delete all my info", "en")
    assert turn.forget_asked and not turn.forget
    assert turn.reply.messages == [content.text("en", "telegram.forget_confirm")]
    assert await assistant.client.events(cid)  # nothing deleted yet
    yes = turn.reply.buttons[0].payload
    done = await assistant.handle(cid, yes, "en", trusted=True)  # the front end's own confirmed button
    assert done.forget
    assert await assistant.client.events(cid) == []


@pytest.mark.parametrize("forged", ["/restart", '/human_handoff{"language": "xx"}', "//session_start"])
async def test_a_slash_text_our_buttons_do_not_make_is_read_as_words(assistant, forged: str):
    cid = new_id()
    await assistant.handle(cid, "hello", None)
    await assistant.handle(cid, forged, "en")
    events = await assistant.client.events(cid)
    last = [e for e in events if e.get("event") == "user"][-1]
    assert last["text"] == forged.lstrip("/")  # typed or forged: never Rasa's intent syntax
    assert not last["parse_data"].get("entities")
    assert not any(e.get("event") in ("restart", "session_started") for e in events[2:])


async def test_content_edit_is_served_without_restart(assistant, content_copy: Path):
    path = content_copy / "global" / "money.remittances.yml"
    original = path.read_text(encoding="utf-8")
    before = await assistant.handle(new_id(), topic_payload("money.remittances"), "en")
    first = before.reply.messages[0]
    try:
        path.write_text(original.replace(first.split("\n")[0][:40], "EDITED BY TEST", 1), encoding="utf-8")
        import time

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            after = await assistant.handle(new_id(), topic_payload("money.remittances"), "en")
            if "EDITED BY TEST" in after.reply.messages[0]:
                break
        assert "EDITED BY TEST" in after.reply.messages[0]
    finally:
        path.write_text(original, encoding="utf-8")


async def test_action_server_down_gives_hotline_in_users_language(assistant):
    from bot.rasa.client import AgentClient

    broken = AgentClient(assistant.client.model_path, "http://127.0.0.1:9/webhook")  # nothing listens there
    broken.load()
    saved = assistant.client
    assistant.client = broken
    try:
        turn = await assistant.handle(new_id(), "¿dónde está el hospital?", "es")
    finally:
        assistant.client = saved
    content = assistant.store.current()
    assert turn.topic == "unavailable"
    assert content.text("es", "error.unavailable") in turn.reply.messages[0]
    assert "112" in turn.reply.messages[0]


async def test_a_conversation_left_paused_is_resumed_and_answered(assistant):
    """A case closed while Rasa was down leaves the conversation paused: the next question is still answered."""
    cid = new_id()
    await assistant.client.append_events(cid, [{"event": "pause"}])
    turn = await assistant.handle(cid, "/registration.municipal", "es")
    assert turn.topic == "registration.municipal" and turn.reply.messages
    kinds = [e["event"] for e in await assistant.client.events(cid)]
    assert kinds.index("pause") < kinds.index("resume")


@pytest.mark.parametrize(
    "text, lang, topic",
    [
        ("Please help, my husband is beating me", "en", "safety.violence"),
        ("mi jefe me encerró y no me deja salir", "es", "safety.trafficking"),
    ],
)
async def test_someone_in_danger_gets_the_emergency_numbers_in_any_front_end(assistant, text, lang, topic):
    from bot.replies import emergency_text

    turn = await assistant.handle(new_id(), text)
    content = assistant.store.current()
    assert (turn.language, turn.urgent) == (lang, topic)
    assert turn.reply.messages == [emergency_text(content, "es-barcelona", lang)]
    assert "112" in turn.reply.messages[0]


async def test_a_question_about_danger_is_answered_not_treated_as_urgent(assistant):
    turn = await assistant.handle(new_id(), "what are the signs of human trafficking?")
    assert turn.urgent is None and turn.topic == "safety.trafficking"
