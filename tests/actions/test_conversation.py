"""Small talk actions (greet, thanks, ..., out of scope): the conversation's language, and a person offered after
two messages in a row not understood. rasa_sdk's own dispatcher and tracker, no model, no server."""

from __future__ import annotations

import pytest

from actions.context import content_store
from actions.conversation import (
    ActionAffirm,
    ActionBotChallenge,
    ActionDeny,
    ActionGoodbye,
    ActionGreet,
    ActionOutOfScope,
    ActionThanks,
)
from tests.helpers.trackers import SESSION_STARTED, bot_event, run, tracker, user_event

pytestmark = pytest.mark.asyncio(loop_scope="session")


def ui(lang: str, string_id: str) -> str:
    return content_store().current().text(lang, string_id)


async def test_greet_answers_in_the_language_the_front_end_chose():
    ran = await run(ActionGreet(), tracker(intent="greet", language="fr"))
    assert ran.texts == [ui("fr", "greeting")]
    assert ran.texts != [ui("en", "greeting")]  # a real French string, not the English fallback
    assert ran.button_titles == [ui("fr", "button.menu"), ui("fr", "button.talk_to_person")]
    assert ran.meta["language"] == "fr"
    assert ran.language_slot == "fr"


async def test_greet_in_an_unknown_language_falls_back_to_english():
    ran = await run(ActionGreet(), tracker(intent="greet", language="xx"))
    assert ran.texts == [ui("en", "greeting")]
    assert ran.language_slot == "en"


@pytest.mark.parametrize(
    ("action", "name", "string_id"),
    [
        (ActionThanks, "action_thanks", "thanks.reply"),
        (ActionGoodbye, "action_goodbye", "goodbye.reply"),
        (ActionAffirm, "action_affirm", "affirm.reply"),
        (ActionDeny, "action_deny", "deny.reply"),
        (ActionBotChallenge, "action_bot_challenge", "bot_challenge.reply"),
    ],
)
async def test_each_small_talk_action_says_its_own_string(action: type, name: str, string_id: str):
    ran = await run(action(), tracker(language="th"))
    assert action().name() == name
    assert ran.texts == [ui("th", string_id)]
    assert ran.language_slot == "th"


async def test_one_message_not_understood_gets_the_plain_out_of_scope_reply():
    ran = await run(ActionOutOfScope(), tracker(intent="out_of_scope", language="es"))
    assert ran.texts == [ui("es", "out_of_scope.reply")]
    assert not ran.meta.get("offer_person")


async def test_the_second_message_in_a_row_not_understood_offers_a_person():
    before = [user_event("nlu_fallback"), bot_event()]
    ran = await run(ActionOutOfScope(), tracker(intent="out_of_scope", language="es", events=before))
    assert ran.texts == [ui("es", "handoff.offer.after_fallbacks")]
    assert ran.meta["offer_person"] is True
    assert ran.button_titles == [ui("es", "button.talk_to_person"), ui("es", "button.menu")]
    assert ran.language_slot == "es"


@pytest.mark.parametrize(
    "between", [SESSION_STARTED, user_event("health.access")], ids=["session_started", "understood message"]
)
async def test_a_new_session_or_an_understood_message_resets_the_count(between: dict):
    before = [user_event("nlu_fallback"), user_event("nlu_fallback"), between]
    ran = await run(ActionOutOfScope(), tracker(intent="out_of_scope", language="es", events=before))
    assert ran.texts == [ui("es", "out_of_scope.reply")]
    assert not ran.meta.get("offer_person")


def topic_title(topic: str) -> str:
    return content_store().current().topic("es-barcelona", topic).translations["en"].title


UNSURE = [
    ("greet", 0.4),
    ("registration.municipal", 0.3),
    ("out_of_scope", 0.1),
    ("health.access", 0.08),
    ("legal.aid", 0.01),
]


async def test_an_unsure_reply_offers_the_likeliest_topics_first():
    """A real question taken for small talk with the right topic next in line: its button comes first."""
    ran = await run(ActionGreet(), tracker(intent="greet", confidence=0.4, ranking=UNSURE))
    assert ran.texts == [ui("en", "greeting")]
    assert ran.meta["suggestions"] == ["registration.municipal", "health.access"]  # topics only, >= 0.05
    assert ran.button_titles == [
        topic_title("registration.municipal"),
        topic_title("health.access"),
        ui("en", "button.menu"),
        ui("en", "button.talk_to_person"),
    ]


async def test_a_sure_reply_offers_no_topics():
    ranking = [("greet", 0.9), ("registration.municipal", 0.05)]
    ran = await run(ActionGreet(), tracker(intent="greet", confidence=0.9, ranking=ranking))
    assert ran.meta["suggestions"] == []
    assert ran.button_titles == [ui("en", "button.menu"), ui("en", "button.talk_to_person")]
