"""What every action reads and sends: conversation() (language, region, intent), failures_in_a_row(), send()."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.context import DEFAULT_REGION, conversation, failures_in_a_row, send
from bot.replies import Button, Reply
from tests.helpers.trackers import SESSION_STARTED, bot_event, tracker, user_event


def test_the_language_and_region_come_from_the_front_ends_metadata(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REGION", "es-barcelona")
    conv = conversation(tracker(language="km", region="th", slots={"language": "fr"}))
    assert (conv.lang, conv.region) == ("km", "th")


@pytest.mark.parametrize(
    ("metadata", "slot", "expected"),
    [
        (None, "fr", "fr"),
        (None, None, "en"),
        ("xx", None, "en"),
        (None, "xx", "en"),
    ],
    ids=["slot when no metadata", "english when neither", "unknown metadata", "unknown slot"],
)
def test_the_language_falls_back_to_the_slot_then_english(metadata: str | None, slot: str | None, expected: str):
    assert conversation(tracker(language=metadata, slots={"language": slot})).lang == expected


def test_without_a_region_in_the_metadata_the_servers_region_then_the_default(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REGION", "th")
    assert conversation(tracker(region=None)).region == "th"
    monkeypatch.delenv("REGION")
    assert conversation(tracker(region=None)).region == DEFAULT_REGION == "es-barcelona"


def test_intent_confidence_ranking_and_entities_are_read_from_the_latest_message():
    ranking = [("health.access", 0.6), ("health.emergency", 0.3)]
    on = tracker(intent="health.access", confidence=0.6, ranking=ranking, entities={"category": "health"})
    conv = conversation(on)
    assert (conv.intent, conv.confidence) == ("health.access", 0.6)
    assert [r["name"] for r in conv.ranking] == ["health.access", "health.emergency"]
    assert conv.entities == {"category": "health"}


@pytest.mark.parametrize(
    ("before", "intent", "expected"),
    [
        ([], "greet", 0),
        ([], "nlu_fallback", 1),
        ([user_event("out_of_scope"), bot_event()], "nlu_fallback", 2),
        ([user_event("nlu_fallback"), user_event("greet"), bot_event()], "nlu_fallback", 1),
        ([user_event("nlu_fallback"), user_event("nlu_fallback"), SESSION_STARTED], "nlu_fallback", 1),
        ([user_event("nlu_fallback"), user_event("nlu_fallback")], "health.access", 0),
    ],
    ids=["understood", "one", "two with a bot reply between", "understood between", "new session", "understood now"],
)
def test_failures_in_a_row_count_this_sessions_last_messages_not_understood(before: list, intent: str, expected: int):
    on = tracker(intent=intent, events=before)
    assert failures_in_a_row(on) == expected
    assert conversation(on).failures == expected


def sent(reply: Reply) -> list[dict]:
    dispatcher = CollectingDispatcher()
    send(dispatcher, reply)
    return dispatcher.messages


def test_send_puts_the_buttons_under_the_last_message_only():
    buttons = [Button("Menu", "/menu"), Button("Talk to a person", "/human_handoff")]
    messages = sent(Reply(["first", "second", "third"], buttons))
    assert [m["text"] for m in messages] == ["first", "second", "third"]
    assert [m["buttons"] for m in messages[:-1]] == [[], []]
    assert messages[-1]["buttons"] == [
        {"title": "Menu", "payload": "/menu"},
        {"title": "Talk to a person", "payload": "/human_handoff"},
    ]


def test_send_one_message_with_its_buttons_and_nothing_for_an_empty_reply():
    assert [(m["text"], m["buttons"]) for m in sent(Reply(["only"], [Button("Menu", "/menu")]))] == [
        ("only", [{"title": "Menu", "payload": "/menu"}])
    ]
    assert sent(Reply([], [Button("Menu", "/menu")])) == []
