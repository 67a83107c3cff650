"""Rasa's tracker store on the assistant's database."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.rasa.tracker_store import sql_tracker_store
from bot.storage.db import sqlite_url
from tests.storage.test_db import DOWN_URL


def test_an_sql_tracker_store_on_the_database_url(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "var")
    store = sql_tracker_store(url)
    assert type(store).__name__ == "SQLTrackerStore"
    store.engine.dispose()
    engine = sa.create_engine(url)
    assert sa.inspect(engine).has_table("events")
    engine.dispose()


def test_an_unreachable_database_gives_none_at_once_and_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="bot.rasa.tracker_store"):
        assert sql_tracker_store(DOWN_URL) is None  # not Rasa's retry-forever loop
    assert "Rasa keeps conversations in memory" in caplog.text
