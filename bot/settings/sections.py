"""The configuration's sections: content, storage, Telegram, handoff, Rasa (documented in .env.example)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.settings import defaults
from bot.settings.teams import content_languages, staff_chats
from bot.settings.values import SettingsError, bot_username, chat_id, seconds, whole


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def content_dir(env: Mapping[str, str] | None = None) -> Path:
    """CONTENT_DIR, else the checkout's content/."""
    return Path(_env(env).get("CONTENT_DIR") or defaults.REPO / "content")


def region(env: Mapping[str, str] | None = None) -> str:
    """REGION, else the default region (not checked: see ContentSettings)."""
    return _env(env).get("REGION") or defaults.REGION


@dataclass(frozen=True)
class ContentSettings:
    """What the assistant answers from: the content directory, the region pack, how much of a message it reads."""

    dir: Path
    region: str = defaults.REGION
    max_message_chars: int = defaults.MAX_MESSAGE_CHARS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ContentSettings:
        """CONTENT_DIR, REGION (which must have a pack), MAX_MESSAGE_CHARS."""
        env = _env(env)
        folder, pack = content_dir(env), region(env)
        if not (folder / pack / "region.yml").exists():
            packs = sorted(p.parent.name for p in folder.glob("*/region.yml"))
            raise SettingsError(f"REGION={pack!r} has no content pack. Use one of: {', '.join(packs)}.")
        return cls(folder, pack, whole(env, "MAX_MESSAGE_CHARS", defaults.MAX_MESSAGE_CHARS, minimum=50))


@dataclass(frozen=True)
class StorageSettings:
    """Where state lives and for how long: the database, var/, retention, the pseudonym key, Redis."""

    var_dir: Path
    database_url: str
    retention_days: int = defaults.RETENTION_DAYS
    question_retention_days: int = defaults.QUESTION_RETENTION_DAYS
    pseudonym_secret: str = ""
    redis_url: str = ""  # set: replicas share flood counts, pacing, and Rasa's conversation locks in Redis

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> StorageSettings:
        """VAR_DIR, DATABASE_URL (default: SQLite in var/), RETENTION_DAYS, QUESTION_RETENTION_DAYS, ..."""
        from bot.storage.engine import sqlite_url  # here: importing SQLAlchemy is not needed to read settings

        env = _env(env)
        var_dir = Path(env.get("VAR_DIR") or defaults.REPO / "var")
        return cls(
            var_dir=var_dir,
            database_url=env.get("DATABASE_URL") or sqlite_url(var_dir),
            retention_days=whole(env, "RETENTION_DAYS", defaults.RETENTION_DAYS),
            question_retention_days=whole(env, "QUESTION_RETENTION_DAYS", defaults.QUESTION_RETENTION_DAYS),
            pseudonym_secret=env.get("PSEUDONYM_SECRET", ""),
            redis_url=env.get("REDIS_URL", "").strip(),
        )


@dataclass(frozen=True)
class TelegramSettings:
    """The bot's token, the Bot API server, the webhook (empty URL: long polling), the public username."""

    token: str = ""
    api_base_url: str = defaults.TELEGRAM_API
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = defaults.WEBHOOK_LISTEN
    webhook_port: int = defaults.WEBHOOK_PORT
    bot_username: str = ""  # without @, for t.me links on printed leaflets

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TelegramSettings:
        """TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL, TELEGRAM_WEBHOOK_*, BOT_USERNAME."""
        env = _env(env)
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN", ""),
            api_base_url=(env.get("TELEGRAM_API_BASE_URL") or defaults.TELEGRAM_API).rstrip("/"),
            webhook_url=env.get("TELEGRAM_WEBHOOK_URL", "").strip(),
            webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
            webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN") or defaults.WEBHOOK_LISTEN,
            webhook_port=whole(env, "TELEGRAM_WEBHOOK_PORT", defaults.WEBHOOK_PORT),
            bot_username=bot_username(env),
        )


@dataclass(frozen=True)
class HandoffSettings:
    """The staff supergroup (None: no handoff to staff), its roster, the language of the bot's staff messages.

    teams: the language teams' supergroups (STAFF_CHATS), language code → chat id; the rest go to chat_id.
    """

    chat_id: int | None = None
    roster: Path | None = None
    language: str = defaults.LANGUAGE
    teams: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HandoffSettings:
        """STAFF_CHAT_ID, STAFF_ROSTER, STAFF_LANGUAGE, STAFF_CHATS (language codes checked if the content is there)."""
        env = _env(env)
        teams = staff_chats(env, content_languages(content_dir(env))) if env.get("STAFF_CHATS", "").strip() else {}
        return cls(
            chat_id(env, "STAFF_CHAT_ID"),
            Path(env["STAFF_ROSTER"]) if env.get("STAFF_ROSTER") else None,
            env.get("STAFF_LANGUAGE") or defaults.LANGUAGE,
            teams,
        )

    @property
    def chats(self) -> frozenset[int]:
        """Every staff supergroup: the default one and the teams' (none without STAFF_CHAT_ID)."""
        return frozenset() if self.chat_id is None else frozenset({self.chat_id, *self.teams.values()})


@dataclass(frozen=True)
class RasaSettings:
    """Rasa servers (empty: Rasa in this process), their token and timeout, the action server's URL."""

    urls: tuple[str, ...] = ()
    token: str = ""
    timeout: float = defaults.RASA_TIMEOUT
    action_server_url: str = ""  # empty: the bot starts its own
    workers: int = defaults.RASA_WORKERS  # Rasa servers the bot starts itself (0: Rasa in the bot's process)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> RasaSettings:
        """RASA_URL (comma-separated), RASA_TOKEN, RASA_TIMEOUT, ACTION_SERVER_URL, RASA_WORKERS."""
        env = _env(env)
        if env.get("RASA_URL", "").strip() and env.get("RASA_WORKERS", "").strip() not in ("", "0"):
            raise SettingsError(
                "RASA_URL uses Rasa servers started elsewhere and RASA_WORKERS starts them here: set only one."
            )
        return cls(
            _rasa_urls(env),
            env.get("RASA_TOKEN", ""),
            seconds(env, "RASA_TIMEOUT", defaults.RASA_TIMEOUT),
            env.get("ACTION_SERVER_URL", ""),
            whole(env, "RASA_WORKERS", defaults.RASA_WORKERS, minimum=0),
        )


def _rasa_urls(env: Mapping[str, str]) -> tuple[str, ...]:
    """RASA_URL's servers; one on another host needs RASA_TOKEN (Rasa's HTTP API is otherwise open)."""
    urls = tuple(u.strip().rstrip("/") for u in env.get("RASA_URL", "").split(",") if u.strip())
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError(f"RASA_URL: {url!r} is not an http(s) address like http://127.0.0.1:5005.")
        if parts.hostname not in defaults.LOOPBACK_HOSTS and not env.get("RASA_TOKEN"):
            raise SettingsError(
                f"RASA_URL points to another host ({parts.hostname}) but RASA_TOKEN is empty: "
                "start Rasa with --auth-token and set the same RASA_TOKEN here."
            )
    return urls


@dataclass(frozen=True)
class AlertSettings:
    """Delivering alerts (docs/alerts.md): pace, Telegram's paid broadcasts, claims, how often to look."""

    rate: float = defaults.ALERTS_RATE
    paid_broadcast: bool = False  # allow_paid_broadcast: faster broadcasts, paid in Telegram Stars
    claim_seconds: float = defaults.ALERTS_CLAIM_SECONDS
    poll_seconds: float = defaults.ALERTS_POLL_SECONDS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AlertSettings:
        """ALERTS_RATE, ALERTS_PAID_BROADCAST (0/1), ALERTS_CLAIM_SECONDS, ALERTS_POLL_SECONDS."""
        env = _env(env)
        raw_paid = env.get("ALERTS_PAID_BROADCAST", "").strip().lower()
        if raw_paid not in ("", "0", "1", "false", "true", "no", "yes"):
            raise SettingsError(f"ALERTS_PAID_BROADCAST must be 1 or 0, not {raw_paid!r}.")
        paid = raw_paid in ("1", "true", "yes")
        rate = seconds(env, "ALERTS_RATE", defaults.ALERTS_PAID_RATE if paid else defaults.ALERTS_RATE)
        return cls(
            rate,
            paid,
            seconds(env, "ALERTS_CLAIM_SECONDS", defaults.ALERTS_CLAIM_SECONDS),
            seconds(env, "ALERTS_POLL_SECONDS", defaults.ALERTS_POLL_SECONDS),
        )


@dataclass(frozen=True)
class Settings:
    """Configuration of one deployment: every section."""

    content: ContentSettings
    storage: StorageSettings
    telegram: TelegramSettings
    handoff: HandoffSettings
    rasa: RasaSettings
    alerts: AlertSettings = AlertSettings()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the environment; raise SettingsError with a clear message if a value is wrong."""
        env = _env(env)
        return cls(
            ContentSettings.from_env(env),
            StorageSettings.from_env(env),
            TelegramSettings.from_env(env),
            HandoffSettings.from_env(env),
            RasaSettings.from_env(env),
            AlertSettings.from_env(env),
        )
