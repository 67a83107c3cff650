"""Answer feedback and unanswered questions: stored without user ids, read back for editors, purged by their day."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.storage.db import Database
from bot.storage.feedback import Helpfulness, add_feedback, add_question, helpfulness, questions, today_utc
from bot.storage.models import AnswerFeedback, UnansweredQuestion


def age_all(db: Database, days: int) -> None:
    """Pretend every feedback row and question is `days` days old."""
    past = today_utc() - timedelta(days=days)
    with db.engine.begin() as conn:
        for table in (AnswerFeedback.__table__, UnansweredQuestion.__table__):
            conn.execute(sa.update(table).values(last_seen=past))


async def test_feedback_is_counted_per_region_and_topic(db: Database) -> None:
    for helpful in (True, True, False):
        await add_feedback(db, "health.card", "ar", "es-barcelona", helpful)
    await add_feedback(db, "health.card", "en", "th", False)
    votes = helpfulness(db)
    assert votes == {("es-barcelona", "health.card"): Helpfulness(2, 1), ("th", "health.card"): Helpfulness(0, 1)}
    assert str(votes[("es-barcelona", "health.card")]) == "👍 2 · 👎 1 (67% helpful)"
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(AnswerFeedback.__table__)).mappings().first()
    assert row["last_seen"].time() == dt.time(0, 0)  # the day only


async def test_questions_are_read_back_since_a_day(db: Database) -> None:
    await add_question(db, "old question", "es", "es-barcelona", "work.permit", "fallback")
    age_all(db, 10)
    await add_question(db, "new question", "ar", "es-barcelona", "", "low_confidence")
    assert [q.text for q in questions(db)] == ["old question", "new question"]
    recent = questions(db, dt.date.today() - timedelta(days=2))
    assert [(q.text, q.language, q.nearest_topic, q.reason) for q in recent] == [
        ("new question", "ar", "", "low_confidence")
    ]
    with pytest.raises(ValueError, match="Unknown reason"):
        await add_question(db, "x", "en", "th", "", "because")


async def test_purge_removes_expired_feedback_and_questions(db: Database) -> None:
    await add_feedback(db, "health.card", "en", "th", True)
    await add_question(db, "expired", "en", "th", "", "fallback")
    age_all(db, 91)
    await add_feedback(db, "health.card", "en", "th", False)
    await add_question(db, "kept", "en", "th", "", "fallback")
    counts = await db.purge(90)
    assert counts["answer_feedback"] == counts["unanswered_questions"] == 1
    assert helpfulness(db) == {("th", "health.card"): Helpfulness(0, 1)}
    assert [q.text for q in questions(db)] == ["kept"]


def test_reading_a_database_without_the_tables_gives_nothing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    assert helpfulness(db) == {} and questions(db) == []
    db.close()


async def test_unanswered_questions_go_after_their_shorter_period(db: Database) -> None:
    await add_feedback(db, "health.card", "en", "th", True)
    await add_question(db, "a month old", "en", "th", "", "fallback")
    age_all(db, db.question_retention_days + 1)
    await add_question(db, "fresh", "en", "th", "", "fallback")
    counts = await db.purge(90)
    assert counts["unanswered_questions"] == 1 and counts["answer_feedback"] == 0
    assert [q.text for q in questions(db)] == ["fresh"]
    assert db.question_retention_days == 30
