"""Settings: the Telegram webhook and Rasa-over-HTTP variables are read and checked."""

from __future__ import annotations

import pytest

from bot.settings import ContentSettings, Settings, SettingsError, StorageSettings


def test_rasa_and_webhook_defaults():
    s = Settings.from_env({})
    assert s.rasa.urls == ()
    assert s.rasa.timeout == 10.0
    assert s.telegram.webhook_url == ""
    assert (s.telegram.webhook_listen, s.telegram.webhook_port) == ("127.0.0.1", 8443)


def test_several_rasa_urls_and_a_timeout():
    s = Settings.from_env(
        {
            "RASA_URL": " http://rasa-1:5005/ , http://rasa-2:5005,",
            "RASA_TIMEOUT": "2.5",
            "RASA_TOKEN": "shared-secret",
            "TELEGRAM_WEBHOOK_PORT": "8080",
            "TELEGRAM_WEBHOOK_LISTEN": "0.0.0.0",
        }
    )
    assert s.rasa.urls == ("http://rasa-1:5005", "http://rasa-2:5005")
    assert s.rasa.timeout == 2.5
    assert (s.telegram.webhook_listen, s.telegram.webhook_port) == ("0.0.0.0", 8080)


def test_rasa_on_another_host_needs_a_token_and_loopback_does_not():
    with pytest.raises(SettingsError, match="RASA_TOKEN"):
        Settings.from_env({"RASA_URL": "http://127.0.0.1:5005,http://10.0.0.7:5005"})
    assert Settings.from_env({"RASA_URL": "http://localhost:5005,http://127.0.0.1:5006"}).rasa.urls
    with pytest.raises(SettingsError, match="RASA_URL"):
        Settings.from_env({"RASA_URL": "rasa-1:5005", "RASA_TOKEN": "x"})


@pytest.mark.parametrize("value", ["soon", "0", "-1"])
def test_a_bad_rasa_timeout_names_the_variable(value: str):
    with pytest.raises(SettingsError, match="RASA_TIMEOUT"):
        Settings.from_env({"RASA_TIMEOUT": value})


def test_bot_username_for_leaflet_links():
    assert Settings.from_env({}).telegram.bot_username == ""
    assert Settings.from_env({"BOT_USERNAME": " @MigrantHelpBot "}).telegram.bot_username == "MigrantHelpBot"
    with pytest.raises(SettingsError, match="BOT_USERNAME"):
        Settings.from_env({"BOT_USERNAME": "https://t.me/x"})


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("RETENTION_DAYS", "ninety", "RETENTION_DAYS must be a whole number, not 'ninety'."),
        ("RETENTION_DAYS", "0", "RETENTION_DAYS must be at least 1."),
        ("MAX_MESSAGE_CHARS", "10", "MAX_MESSAGE_CHARS must be at least 50."),
        ("RASA_TIMEOUT", "soon", "RASA_TIMEOUT must be a number of seconds, not 'soon'."),
        ("RASA_TIMEOUT", "-1", "RASA_TIMEOUT must be more than 0 seconds."),
    ],
)
def test_bad_numbers_say_what_is_expected(name: str, value: str, message: str):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value})
    assert str(caught.value) == message


def test_unset_numbers_take_their_defaults():
    settings = Settings.from_env({})
    assert (settings.storage.retention_days, settings.content.max_message_chars, settings.rasa.timeout) == (
        90,
        1000,
        10.0,
    )


def test_each_tool_reads_only_its_section():
    # the editors' tools and the actions do not need a token, a webhook or a valid RASA_URL
    env = {"RASA_URL": "not a url", "RETENTION_DAYS": "45"}
    assert StorageSettings.from_env(env).retention_days == 45
    assert ContentSettings.from_env(env).region == "es-barcelona"
    with pytest.raises(SettingsError, match="RASA_URL"):
        Settings.from_env(env)


def test_rasa_workers_are_a_whole_number_and_not_beside_rasa_url():
    assert Settings.from_env({}).rasa.workers == 0  # Rasa in the bot's own process unless asked
    assert Settings.from_env({"RASA_WORKERS": "2"}).rasa.workers == 2
    with pytest.raises(SettingsError, match="RASA_WORKERS must be a whole number"):
        Settings.from_env({"RASA_WORKERS": "two"})
    with pytest.raises(SettingsError, match="RASA_WORKERS must be at least 0"):
        Settings.from_env({"RASA_WORKERS": "-1"})
    with pytest.raises(SettingsError, match="set only one"):
        Settings.from_env({"RASA_WORKERS": "2", "RASA_URL": "http://127.0.0.1:5005"})


def test_alert_settings_paid_broadcast_opt_in():
    from bot.settings import AlertSettings, SettingsError

    assert AlertSettings.from_env({}) == AlertSettings(25.0, False, 120.0, 10.0)
    paid = AlertSettings.from_env({"ALERTS_PAID_BROADCAST": "1"})
    assert paid.paid_broadcast and paid.rate == 1000.0  # Telegram's paid limit, unless ALERTS_RATE says less
    assert AlertSettings.from_env({"ALERTS_PAID_BROADCAST": "1", "ALERTS_RATE": "100"}).rate == 100.0
    with pytest.raises(SettingsError, match="ALERTS_PAID_BROADCAST"):
        AlertSettings.from_env({"ALERTS_PAID_BROADCAST": "maybe"})
