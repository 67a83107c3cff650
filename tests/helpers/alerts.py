"""Alert tests: a content copy for Thailand, subscribers put straight into the database, the bot's settings."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.privacy.pseudonym import pseudonym
from bot.settings import REPO, Settings
from bot.storage import alerts as store
from bot.storage.db import Database
from tests.helpers.telegram import SECRET, TOKEN

ALERT = "th-2027-02-permit-renewal-deadline"  # the real example alert (its English text is a draft)
NO_RASA = "http://127.0.0.1:1"  # nothing listens: the bot answers "unavailable"; alerts need no Rasa


def alert_content(target: Path, quiet_hours: str = "00:00-00:00") -> Path:
    """A copy of content/ whose th region has these quiet hours (default: none)."""
    content = target / "content"
    shutil.copytree(REPO / "content", content)
    set_quiet_hours(content, quiet_hours)
    return content


def set_quiet_hours(content: Path, quiet_hours: str) -> None:
    """Change the th region's quiet hours (the running bot reloads the content)."""
    region = content / "th" / "region.yml"
    lines = [
        f'quiet_hours: "{quiet_hours}"' if line.startswith("quiet_hours:") else line
        for line in region.read_text(encoding="utf-8").splitlines()
    ]
    region.write_text("\n".join(lines) + "\n", encoding="utf-8")


def alert_env(content: Path, var_dir: Path, api_url: str, **extra: str) -> dict[str, str]:
    """The environment of a bot serving th with alerts polled quickly."""
    return {
        "CONTENT_DIR": str(content),
        "REGION": "th",
        "VAR_DIR": str(var_dir),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api_url,
        "PSEUDONYM_SECRET": SECRET,
        "RASA_URL": NO_RASA,
        "ALERTS_POLL_SECONDS": "0.2",
        **extra,
    }


def alert_settings(content: Path, var_dir: Path, api_url: str, **extra: str) -> Settings:
    """Settings.from_env of alert_env."""
    return Settings.from_env(alert_env(content, var_dir, api_url, **extra))


def database(settings: Settings) -> Database:
    """The bot's database (migrated), with its chat key."""
    db = Database(settings.storage.database_url, chat_key=settings.storage.pseudonym_secret)
    db.migrate()
    return db


async def add_subscribers(db: Database, people: dict[int, str], topic: str = "work.permit") -> None:
    """Record each Telegram user id as a person who wrote from their chat and subscribed in their language."""

    for uid, lang in people.items():
        person = pseudonym(SECRET, uid)
        await db.remember_chat(person, uid)
        await store.subscribe(db, person, topic, "th", lang)
