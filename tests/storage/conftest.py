"""Storage fixtures: a migrated `Database` on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL.

Each PostgreSQL test gets its own schema (selected with search_path in the URL,
so Rasa's tracker store on the same URL lands there too), dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import OperationalError

from bot.storage.db import Database

POSTGRES_ENV = "TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.engine.Engine]:
    """An engine on TEST_POSTGRES_URL; skips when it is unset, fails when the server is unreachable."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL storage tests skipped")
    engine = sa.create_engine(url, future=True, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except OperationalError as error:
        pytest.fail(f"{POSTGRES_ENV}={engine.url!r} is set but the server is unreachable: {error.orig}")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_admin: sa.engine.Engine) -> Iterator[str]:
    """A URL on TEST_POSTGRES_URL whose tables live in a fresh schema of their own."""
    schema = f"test_storage_{uuid.uuid4().hex[:12]}"
    with postgres_admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = postgres_admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with postgres_admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


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
