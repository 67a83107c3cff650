"""STAFF_CHATS: the staff supergroup of each language team (docs/handoff.md, "Language teams").

`my=-1001111,km+lo=-1002222`: a person writing in Burmese gets their case opened in the Burmese
team's group, in Khmer or Lao in the other; languages not listed go to STAFF_CHAT_ID (the default group).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from bot.settings.values import SettingsError

EXAMPLE = "my=-1001111111111,km+lo=-1002222222222"
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def staff_chats(env: Mapping[str, str], languages: frozenset[str] | None) -> dict[str, int]:
    """STAFF_CHATS read as language → staff group; languages (None: not known yet) are the content's codes."""
    raw = env.get("STAFF_CHATS", "").strip()
    if not raw:
        return {}
    if not env.get("STAFF_CHAT_ID", "").strip():
        raise SettingsError(
            "STAFF_CHATS is set but STAFF_CHAT_ID is empty: set STAFF_CHAT_ID to the default staff supergroup "
            "(every language not in STAFF_CHATS goes there), or unset STAFF_CHATS."
        )
    teams: dict[str, int] = {}
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        codes, equals, chat = entry.partition("=")
        try:
            group = int(chat.strip())
        except ValueError:
            group = 0
        if not equals or not group:
            raise SettingsError(
                f"STAFF_CHATS: {entry!r} is not languages=chat id; write it like {EXAMPLE} "
                "(language codes joined by +, then the team's supergroup id)."
            )
        for code in (c.strip() for c in codes.split("+")):
            if not LANGUAGE_CODE.fullmatch(code):
                raise SettingsError(f"STAFF_CHATS: {code!r} in {entry!r} is not a language code such as my or km.")
            if code in teams:
                raise SettingsError(f"STAFF_CHATS lists {code!r} twice: a language goes to one team's group.")
            teams[code] = group
    check_languages(teams, languages)
    return teams


def check_languages(teams: Mapping[str, int], languages: frozenset[str] | None) -> None:
    """SettingsError if a team's language is not one the assistant speaks (nothing checked without them)."""
    unknown = sorted(set(teams) - languages) if languages is not None else []
    if unknown:
        raise SettingsError(
            f"STAFF_CHATS names languages not in content/languages.yml ({', '.join(unknown)}); use the assistant's: "
            f"{', '.join(sorted(languages or ()))}."
        )


def content_languages(content_dir: Path) -> frozenset[str] | None:
    """The language codes of content_dir/languages.yml, or None if it cannot be read now (checked at start)."""
    from bot.content.languages import load_languages  # here: reading settings does not need the content
    from bot.content.yamlfile import DataError

    try:
        return frozenset(language.code for language in load_languages(content_dir))
    except (DataError, OSError):
        return None
