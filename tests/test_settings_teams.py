"""STAFF_CHATS: the language teams' staff supergroups, and clear errors for what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError
from bot.settings.sections import HandoffSettings
from bot.settings.teams import staff_chats

DEFAULT = "-1001000000000"


def test_languages_go_to_their_teams_group_and_the_rest_to_the_default():
    settings = HandoffSettings.from_env({"STAFF_CHAT_ID": DEFAULT, "STAFF_CHATS": " my=-1001111, km+lo = -1002222 ,"})
    assert dict(settings.teams) == {"my": -1001111, "km": -1002222, "lo": -1002222}
    assert settings.chats == {int(DEFAULT), -1001111, -1002222}


def test_without_staff_chats_there_is_one_group():
    settings = HandoffSettings.from_env({"STAFF_CHAT_ID": DEFAULT})
    assert (dict(settings.teams), settings.chats) == ({}, {int(DEFAULT)})
    assert HandoffSettings.from_env({}).chats == frozenset()


def test_one_group_may_serve_two_teams_and_be_the_default_one():
    teams = staff_chats({"STAFF_CHAT_ID": DEFAULT, "STAFF_CHATS": f"my=-1001111,th=-1001111,ar={DEFAULT}"}, None)
    assert teams == {"my": -1001111, "th": -1001111, "ar": int(DEFAULT)}


def test_staff_chats_without_staff_chat_id_says_what_to_set():
    with pytest.raises(SettingsError, match="STAFF_CHATS is set but STAFF_CHAT_ID is empty: set STAFF_CHAT_ID"):
        HandoffSettings.from_env({"STAFF_CHATS": "my=-1001111"})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("my", "'my' is not languages=chat id; write it like my="),
        ("my=", "'my=' is not languages=chat id"),
        ("my=team", "'my=team' is not languages=chat id"),
        ("=-1001111", "'' in '=-1001111' is not a language code"),
        ("my+=-1001111", "'' in 'my\\+=-1001111' is not a language code"),
        ("Burmese=-1001111", "'Burmese' in 'Burmese=-1001111' is not a language code"),
        ("my=-1001111,my=-1002222", "STAFF_CHATS lists 'my' twice"),
    ],
)
def test_bad_staff_chats_say_what_is_wrong(value: str, message: str):
    with pytest.raises(SettingsError, match=message):
        HandoffSettings.from_env({"STAFF_CHAT_ID": DEFAULT, "STAFF_CHATS": value})


def test_a_language_the_content_does_not_have_is_named():
    with pytest.raises(SettingsError, match=r"not in content/languages.yml \(de, zh\); use the assistant's: ar, en"):
        HandoffSettings.from_env({"STAFF_CHAT_ID": DEFAULT, "STAFF_CHATS": "my=-1001111,de+zh=-1002222"})


def test_without_readable_content_the_languages_are_checked_at_start(tmp_path: Path):
    """CONTENT_DIR without languages.yml: only the format now; Handoff.from_settings checks the codes."""
    settings = HandoffSettings.from_env(
        {"STAFF_CHAT_ID": DEFAULT, "STAFF_CHATS": "de=-1001111", "CONTENT_DIR": str(tmp_path)}
    )
    assert dict(settings.teams) == {"de": -1001111}
