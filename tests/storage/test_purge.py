from __future__ import annotations

import asyncio

import pytest

from bot.storage.db import Database
from bot.storage.purge import purge_main
from tests.storage.test_db import ALICE, BOB, DOWN_URL, age


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
    assert rows == {"table": "rows", "telegram_chats": "1", "users": "1"}
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
