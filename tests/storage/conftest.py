"""Storage fixtures: a migrated `Database` on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL.

The PostgreSQL fixtures (`postgres_admin`, `postgres_url`) are in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine.url import make_url

from bot.storage.db import Database


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database's URL, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'var' / 'assistant.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated Database on each backend."""
    database = Database(db_url)
    database.migrate()
    yield database
    database.close()


def backend(url: str) -> str:
    """sqlite or postgresql."""
    return make_url(url).get_backend_name()
