"""All configuration, read once from the environment into one typed object."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
N = TypeVar("N", int, float)


class SettingsError(Exception):
    """A configuration value is wrong; the message says which and how to fix it."""


def _number(env: Mapping[str, str], name: str, default: N, parse: Callable[[str], N], what: str,
            ok: Callable[[N], bool], bound: str) -> N:
    """The variable parsed as a number (default if unset); SettingsError if it is not one or out of bounds."""
    raw = env.get(name, "")
    if not raw:
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise SettingsError(f"{name} must be {what}, not {raw!r}.") from None
    if not ok(value):
        raise SettingsError(f"{name} must be {bound}.")
    return value


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    return _number(env, name, default, int, "a whole number", lambda v: v >= minimum, f"at least {minimum}")


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    return _number(env, name, default, float, "a number of seconds", lambda v: v > 0, "more than 0 seconds")


def _chat_id(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a Telegram chat id such as -1001234567890, not {raw!r}.") from None


def bot_username(env: Mapping[str, str]) -> str:
    """BOT_USERNAME without a leading @ ("" if unset): the bot's public Telegram name, for t.me links."""
    raw = env.get("BOT_USERNAME", "").strip().removeprefix("@")
    if raw and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", raw):
        raise SettingsError(f"BOT_USERNAME must be the bot's Telegram username, e.g. MigrantHelpBot, not {raw!r}.")
    return raw


@dataclass(frozen=True)
class Settings:
    """Configuration of one deployment (documented in .env.example)."""

    content_dir: Path
    region: str
    telegram_token: str
    action_server_url: str
    retention_days: int
    max_message_chars: int
    var_dir: Path
    pseudonym_secret: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_webhook_url: str = ""  # empty: long polling
    telegram_webhook_secret: str = ""
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = 8443
    rasa_urls: tuple[str, ...] = ()  # empty: Rasa in this process
    rasa_token: str = ""
    rasa_timeout: float = 10.0
    database_url: str = ""
    staff_chat_id: int | None = None  # the staff supergroup (forum topics); None: no handoff to staff
    staff_roster: Path | None = None
    staff_language: str = "en"  # the language of the bot's messages in the staff chat
    bot_username: str = ""  # the bot's public username (without @), for t.me links on printed leaflets
    question_retention_days: int = 30  # unanswered questions (a name may slip through the scrubber)
    redis_url: str = ""  # set: replicas share flood counts, pacing, and Rasa's conversation locks in Redis

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the environment; raise SettingsError with a clear message if a value is wrong."""
        env = os.environ if env is None else env
        content_dir = Path(env.get("CONTENT_DIR") or REPO / "content")
        region = env.get("REGION") or "es-barcelona"
        if not (content_dir / region / "region.yml").exists():
            packs = sorted(p.name for p in content_dir.glob("*/region.yml") for p in [p.parent])
            raise SettingsError(f"REGION={region!r} has no content pack. Use one of: {', '.join(packs)}.")
        from bot.storage.db import sqlite_url  # here: importing SQLAlchemy is not needed to read settings

        var_dir = Path(env.get("VAR_DIR") or REPO / "var")
        return cls(
            content_dir=content_dir,
            region=region,
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", ""),
            action_server_url=env.get("ACTION_SERVER_URL", ""),
            retention_days=_int(env, "RETENTION_DAYS", 90),
            question_retention_days=_int(env, "QUESTION_RETENTION_DAYS", 30),
            max_message_chars=_int(env, "MAX_MESSAGE_CHARS", 1000, minimum=50),
            var_dir=var_dir,
            pseudonym_secret=env.get("PSEUDONYM_SECRET", ""),
            telegram_api_base_url=(env.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org").rstrip("/"),
            telegram_webhook_url=env.get("TELEGRAM_WEBHOOK_URL", "").strip(),
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
            telegram_webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN") or "127.0.0.1",
            telegram_webhook_port=_int(env, "TELEGRAM_WEBHOOK_PORT", 8443),
            rasa_urls=_rasa_urls(env),
            rasa_token=env.get("RASA_TOKEN", ""),
            rasa_timeout=_seconds(env, "RASA_TIMEOUT", 10.0),
            database_url=env.get("DATABASE_URL") or sqlite_url(var_dir),
            staff_chat_id=_chat_id(env, "STAFF_CHAT_ID"),
            staff_roster=Path(env["STAFF_ROSTER"]) if env.get("STAFF_ROSTER") else None,
            staff_language=env.get("STAFF_LANGUAGE") or "en",
            bot_username=bot_username(env),
            redis_url=env.get("REDIS_URL", "").strip(),
        )


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _rasa_urls(env: Mapping[str, str]) -> tuple[str, ...]:
    """RASA_URL's servers; one on another host needs RASA_TOKEN (Rasa's HTTP API is otherwise open)."""
    from urllib.parse import urlsplit

    urls = tuple(u.strip().rstrip("/") for u in env.get("RASA_URL", "").split(",") if u.strip())
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError(f"RASA_URL: {url!r} is not an http(s) address like http://127.0.0.1:5005.")
        if parts.hostname not in LOOPBACK_HOSTS and not env.get("RASA_TOKEN"):
            raise SettingsError(f"RASA_URL points to another host ({parts.hostname}) but RASA_TOKEN is empty: "
                                "start Rasa with --auth-token and set the same RASA_TOKEN here.")
    return urls
