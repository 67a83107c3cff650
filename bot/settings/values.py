"""Reading one environment variable as a number, a chat id or a username, with a clear error."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

N = TypeVar("N", int, float)


class SettingsError(Exception):
    """A configuration value is wrong; the message says which and how to fix it."""


def number(
    env: Mapping[str, str],
    name: str,
    default: N,
    parse: Callable[[str], N],
    what: str,
    ok: Callable[[N], bool],
    bound: str,
) -> N:
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


def whole(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    """A whole number of at least minimum."""
    return number(env, name, default, int, "a whole number", lambda v: v >= minimum, f"at least {minimum}")


def seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds."""
    return number(env, name, default, float, "a number of seconds", lambda v: v > 0, "more than 0 seconds")


def chat_id(env: Mapping[str, str], name: str) -> int | None:
    """A Telegram chat id, or None if unset."""
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
