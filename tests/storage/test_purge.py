from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

import pytest

from bot.storage.db import Database
from bot.storage.purge import purge_daily, purge_main
from tests.helpers.waiting import until
from tests.storage.test_db import ALICE, BOB, DOWN_URL, NO_ALERTS, NO_CASES, NO_FEEDBACK, age


def test_purge_main_prints_rows_deleted_per_table(
    db: Database, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async def fill() -> None:
        for user in (ALICE, BOB):
            await db.save_preferences(user, "en", None)
            await db.remember_chat(user, 1)

    asyncio.run(fill())
    age(db, ALICE, 10)
    assert purge_main(db_url, 7) == 0
    out = capsys.readouterr().out
    assert "7 days" in out
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()[1:]}
    assert rows == {
        "table": "rows",
        "telegram_chats": "1",
        "users": "1",
        **{table: "0" for table in (*NO_FEEDBACK, *NO_CASES, *NO_ALERTS)},
    }
    assert asyncio.run(db.get_preferences(BOB)) is not None


def test_purge_main_on_a_fresh_database_migrates_first(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert purge_main(f"sqlite:///{tmp_path / 'new.db'}", 90) == 0
    assert "users" in capsys.readouterr().out


def test_purge_main_reports_an_unavailable_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert purge_main(DOWN_URL, 90) == 1
    assert "database is unavailable" in capsys.readouterr().err


def test_purge_main_refuses_zero_days(capsys: pytest.CaptureFixture[str]) -> None:
    assert purge_main("sqlite://", 0) == 2
    assert "at least 1 day" in capsys.readouterr().err


async def is_none(value: Awaitable[object]) -> bool:
    return await value is None


def test_purge_daily_purges_at_once_then_every_period_until_cancelled(db: Database) -> None:
    async def scenario() -> None:
        await db.save_preferences(ALICE, "en", None)
        age(db, ALICE, 100)
        task = asyncio.create_task(purge_daily(db, every=0.2))
        await until(lambda: is_none(db.get_preferences(ALICE)))  # purged at start
        await db.save_preferences(BOB, "en", None)
        age(db, BOB, 100)
        await until(lambda: is_none(db.get_preferences(BOB)))  # and again a period later
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())


def test_purge_daily_logs_an_outage_and_keeps_going(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        task = asyncio.create_task(purge_daily(Database(DOWN_URL), every=0.05))
        await until(lambda: sum("could not purge" in r.getMessage() for r in caplog.records) >= 2)
        assert not task.done()
        task.cancel()

    with caplog.at_level(logging.ERROR, logger="bot.storage.db"):
        asyncio.run(scenario())
    assert sum("could not purge expired rows" in r.getMessage() for r in caplog.records) >= 2
