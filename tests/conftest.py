"""Shared fixtures: the trained model, a running assistant on a private copy of the content."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from bot.settings import REPO, Settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

POSTGRES_ENV = "TEST_POSTGRES_URL"
REDIS_ENV = "TEST_REDIS_URL"
# A test that uses one of these fixtures (directly or through another fixture) gets the marker:
# `make test-fast` (pytest -m "not model") runs without a trained model.
MARKED_BY_FIXTURE = {
    "model_path": "model",
    "postgres_admin": "postgres",
    "redis_client": "redis",
    "redis_server": "redis",
    "private_postgres": "postgres",  # tests/helpers/private_servers.py: a server of the test's own
    "private_redis": "redis",
    "chromium": "browser",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by what it needs: the trained model, PostgreSQL, Redis, a browser."""
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            if fixture in MARKED_BY_FIXTURE:
                item.add_marker(MARKED_BY_FIXTURE[fixture])
        callspec = getattr(item, "callspec", None)  # database_url / db_url parametrized over both backends
        if callspec is not None and "postgresql" in callspec.params.values():
            item.add_marker("postgres")


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The trained model for the current data (trains once if it is missing).

    TEST_MODEL=path uses a given model instead (for quick runs while developing).
    """
    from bot.rasa.training import train

    return Path(os.environ["TEST_MODEL"]) if os.environ.get("TEST_MODEL") else train()


@pytest.fixture(scope="session")
def content_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of content/ that tests may edit while the assistant runs."""
    target = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(REPO / "content", target)
    return target


@pytest.fixture(scope="session")
async def assistant(
    model_path: Path, content_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[object]:
    """The real assistant: trained model, real action server, content from content_copy."""
    from bot.wiring import open_assistant

    settings = Settings.from_env(
        {"CONTENT_DIR": str(content_copy), "REGION": "es-barcelona", "VAR_DIR": str(tmp_path_factory.mktemp("var"))}
    )
    async with open_assistant(settings, model_path) as a:
        yield a


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.engine.Engine]:
    """An engine on TEST_POSTGRES_URL; skips when it is unset, fails when the server is unreachable."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL tests skipped")
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
    """A URL on TEST_POSTGRES_URL whose tables live in a fresh schema of their own.

    The schema is selected with search_path in the URL, so Rasa's tracker store on
    the same URL lands there too; it is dropped afterwards.
    """
    schema = f"test_storage_{uuid.uuid4().hex[:12]}"
    with postgres_admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = postgres_admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with postgres_admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
async def redis_client() -> AsyncIterator[Any]:
    """A client of the Redis server in TEST_REDIS_URL; skips when unset, fails when unreachable."""
    from bot.telegram.core.redis_state import connect

    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: the tests that need Redis are skipped")
    client = connect(url)
    try:
        await client.ping()
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"{REDIS_ENV}={url} is set but the server is unreachable: {error}")
    yield client
    await client.aclose() if hasattr(client, "aclose") else await client.close()


@pytest.fixture
def redis_server(redis_client: Any) -> str:
    """The URL of a reachable Redis server (TEST_REDIS_URL), for processes the test starts."""
    return os.environ[REDIS_ENV]


@pytest.fixture
async def bot_api() -> AsyncIterator[Any]:
    """A fake Telegram Bot API server on 127.0.0.1 for the bot token tests.helpers.telegram.TOKEN."""
    from tests.helpers.fake_bot_api import FakeBotApi
    from tests.helpers.telegram import TOKEN

    api = FakeBotApi(TOKEN)
    await api.start()
    yield api
    await api.stop()
