"""Settings: the Telegram webhook and Rasa-over-HTTP variables are read and checked."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError


def test_rasa_and_webhook_defaults():
    s = Settings.from_env({})
    assert s.rasa_urls == ()
    assert s.rasa_timeout == 10.0
    assert s.telegram_webhook_url == ""
    assert (s.telegram_webhook_listen, s.telegram_webhook_port) == ("127.0.0.1", 8443)


def test_several_rasa_urls_and_a_timeout():
    s = Settings.from_env({"RASA_URL": " http://rasa-1:5005/ , http://rasa-2:5005,", "RASA_TIMEOUT": "2.5",
                           "TELEGRAM_WEBHOOK_PORT": "8080", "TELEGRAM_WEBHOOK_LISTEN": "0.0.0.0"})
    assert s.rasa_urls == ("http://rasa-1:5005", "http://rasa-2:5005")
    assert s.rasa_timeout == 2.5
    assert (s.telegram_webhook_listen, s.telegram_webhook_port) == ("0.0.0.0", 8080)


@pytest.mark.parametrize("value", ["soon", "0", "-1"])
def test_a_bad_rasa_timeout_names_the_variable(value: str):
    with pytest.raises(SettingsError, match="RASA_TIMEOUT"):
        Settings.from_env({"RASA_TIMEOUT": value})


def test_bot_username_for_leaflet_links():
    assert Settings.from_env({}).bot_username == ""
    assert Settings.from_env({"BOT_USERNAME": " @MigrantHelpBot "}).bot_username == "MigrantHelpBot"
    with pytest.raises(SettingsError, match="BOT_USERNAME"):
        Settings.from_env({"BOT_USERNAME": "https://t.me/x"})
