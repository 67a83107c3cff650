"""Database behaviour on SQLite and PostgreSQL (the `db` fixture runs each test on both)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from bot.storage.db import Database, safe
from bot.storage.models import TelegramChat, User, utcnow

ALICE, BOB = "a" * 64, "b" * 64
NO_FEEDBACK = {"answer_feedback": 0, "unanswered_questions": 0}  # rows purged from the tables without user ids
NO_CASES = {"case_messages": 0, "cases": 0, "complaint_drafts": 0, "staff_private": 0}  # bot/handoff, by last change
NO_ALERTS = {"alert_subscriptions": 0, "alert_deliveries": 0}  # bot/storage/alert_retention.py
DOWN_URL = "postgresql://postgres@127.0.0.1:1/nothing"  # nothing listens on port 1


def age(db: Database, pseudonym: str, days: int) -> None:
    """Pretend a user was last seen (and first came) `days` days ago."""
    past = utcnow() - timedelta(days=days)
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(User.__table__)
            .where(User.__table__.c.pseudonym == pseudonym)
            .values(last_seen=past, first_contact=past.date())
        )
        conn.execute(
            sa.update(TelegramChat.__table__)
            .where(TelegramChat.__table__.c.pseudonym == pseudonym)
            .values(last_seen=past)
        )


def count(db: Database, table: str, where: str = "", **params: object) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table} {where}"), params).scalar_one())


def rasa_store(url: str):  # type: ignore[no-untyped-def]
    """Rasa's own SQL tracker store on the same database, as `endpoints.yml` would configure it."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    return SQLTrackerStore(domain=Domain.empty(), host=url)


def tracker(sender: str, days_ago: float = 0):  # type: ignore[no-untyped-def]
    """A short conversation of `sender`, its events stamped `days_ago` days in the past."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    t = time.time() - days_ago * 86400
    events = [
        ActionExecuted("action_session_start", timestamp=t),
        SessionStarted(timestamp=t + 0.1),
        ActionExecuted("action_listen", timestamp=t + 0.2),
        UserUttered("hola", timestamp=t + 0.3),
    ]
    return DialogueStateTracker.from_events(sender, events)


async def test_preferences_saved_and_read(db: Database) -> None:
    assert await db.get_preferences(ALICE) is None
    await db.save_preferences(ALICE, "ar", "es-barcelona")
    prefs = await db.get_preferences(ALICE)
    assert prefs is not None
    assert (prefs.language, prefs.region, prefs.first_contact) == ("ar", "es-barcelona", utcnow().date())
    assert abs((utcnow() - prefs.last_seen).total_seconds()) < 60
    assert await db.get_preferences(BOB) is None


async def test_update_keeps_first_contact_and_moves_last_seen(db: Database) -> None:
    await db.save_preferences(ALICE, "ar", None)
    age(db, ALICE, 30)
    await db.save_preferences(ALICE, "fr", "th")
    prefs = await db.get_preferences(ALICE)
    assert prefs is not None
    assert (prefs.language, prefs.region) == ("fr", "th")
    assert prefs.first_contact == utcnow().date() - timedelta(days=30)
    assert prefs.last_seen > utcnow() - timedelta(minutes=1)
    assert count(db, "users") == 1


async def test_chat_mapping(db: Database) -> None:
    assert await db.chat_id_for(ALICE) is None
    await db.remember_chat(ALICE, 5_000_000_001)  # beyond 32 bits, as Telegram ids can be
    assert await db.chat_id_for(ALICE) == 5_000_000_001
    prefs = await db.get_preferences(ALICE)  # the user row exists, with no preference yet
    assert prefs is not None and prefs.language is None and prefs.first_contact == utcnow().date()
    await db.save_preferences(ALICE, "my", None)
    await db.remember_chat(ALICE, 42)
    assert await db.chat_id_for(ALICE) == 42
    prefs = await db.get_preferences(ALICE)
    assert prefs is not None and prefs.language == "my"  # remembering a chat keeps preferences


async def test_chat_ids_are_sealed_at_rest_with_a_key_outside_the_database(db_url: str) -> None:
    keyed = Database(db_url, chat_key="k" * 32)
    try:
        keyed.migrate()
        await keyed.remember_chat(ALICE, 5_000_000_001)
        with keyed.engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT chat_id FROM telegram_chats")).scalar_one()
        assert "5000000001" not in stored and len(stored) > 40  # a copy of the database says nothing
        restarted, other = Database(db_url, chat_key="k" * 32), Database(db_url, chat_key="x" * 32)
        assert await restarted.chat_id_for(ALICE) == 5_000_000_001  # the same key after a restart
        assert await other.chat_id_for(ALICE) is None  # another key opens nothing
        restarted.close()
        other.close()
    finally:
        keyed.close()


async def test_forget_removes_every_row_of_the_user_only(db: Database) -> None:
    for user in (ALICE, BOB):
        await db.save_preferences(user, "es", None)
        await db.remember_chat(user, 7 if user == ALICE else 8)
    assert await db.forget(ALICE) == 2
    assert await db.get_preferences(ALICE) is None and await db.chat_id_for(ALICE) is None
    assert await db.chat_id_for(BOB) == 8 and await db.get_preferences(BOB) is not None
    assert await db.forget(ALICE) == 0


async def test_forget_removes_the_rasa_conversation(db: Database, db_url: str) -> None:
    store = rasa_store(db_url)
    try:
        await store.save(tracker(ALICE))
        await store.save(tracker(BOB))
        await db.remember_chat(ALICE, 7)
        assert await store.retrieve(ALICE) is not None
        assert await db.forget(ALICE) == 2 + 4
        assert await store.retrieve(ALICE) is None
        assert set(await store.keys()) == {BOB}
        assert count(db, "events", "WHERE sender_id = :s", s=BOB) == 4
    finally:
        store.engine.dispose()


async def test_purge_removes_expired_rows_and_keeps_fresh_ones(db: Database, db_url: str) -> None:
    store = rasa_store(db_url)
    try:
        await store.save(tracker(ALICE, days_ago=91))
        await store.save(tracker(BOB, days_ago=1))
    finally:
        store.engine.dispose()
    for user in (ALICE, BOB):
        await db.save_preferences(user, "th", "th")
        await db.remember_chat(user, 1 if user == ALICE else 2)
    age(db, ALICE, 91)
    age(db, BOB, 89)

    assert await db.purge(90) == {"telegram_chats": 1, "users": 1, **NO_FEEDBACK, **NO_CASES, **NO_ALERTS, "events": 4}
    assert await db.get_preferences(ALICE) is None and await db.chat_id_for(ALICE) is None
    assert await db.get_preferences(BOB) is not None and await db.chat_id_for(BOB) == 2
    assert count(db, "events", "WHERE sender_id = :s", s=BOB) == 4
    assert await db.purge() == {"telegram_chats": 0, "users": 0, **NO_FEEDBACK, **NO_CASES, **NO_ALERTS, "events": 0}
    assert await db.purge(30) == {"telegram_chats": 1, "users": 1, **NO_FEEDBACK, **NO_CASES, **NO_ALERTS, "events": 0}


async def test_purge_without_rasa_tables(db: Database) -> None:
    await db.save_preferences(ALICE, "en", None)
    age(db, ALICE, 100)
    assert await db.purge() == {"telegram_chats": 0, "users": 1, **NO_FEEDBACK, **NO_CASES, **NO_ALERTS}


async def test_purge_refuses_a_period_under_a_day(db: Database) -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        await db.purge(0)


async def test_database_down_gives_defaults_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    db = Database(DOWN_URL)
    with caplog.at_level(logging.ERROR, logger="bot.storage.db"):
        assert await db.get_preferences_or_none(ALICE) is None
        assert await safe(db.save_preferences(ALICE, "ar", None), "fallback", "save preferences") == "fallback"
    messages = [r.getMessage() for r in caplog.records]
    assert any("could not read preferences" in m and "Connection refused" in m for m in messages), messages
    assert any("could not save preferences" in m for m in messages)
    assert not any(ALICE in m for m in messages)  # no user data in the log
    with pytest.raises(OperationalError):  # the plain method does raise
        await db.get_preferences(ALICE)
    db.close()


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'deep' / 'var' / 'x.db'}")
    db.migrate()
    db.close()
    assert (tmp_path / "deep" / "var" / "x.db").is_file()


def test_default_is_an_sqlite_file_in_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = Database()
    assert db.engine.dialect.name == "sqlite"
    db.migrate()
    db.close()
    assert (tmp_path / "var" / "assistant.db").is_file()
