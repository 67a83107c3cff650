"""The SQLAlchemy engine for a database URL: SQLite files private to this user, foreign keys on."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.engine.url import make_url


def sqlite_url(var_dir: Path) -> str:
    """The default database URL for a var/ folder: an SQLite file in it."""
    return f"sqlite:///{var_dir / 'assistant.db'}"


def create_engine(url: str) -> Engine:
    """An engine for the URL; for SQLite, create the file's folder and enforce foreign keys."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"pool_pre_ping": True, "future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_file(Path(parsed.database))
    elif parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        kwargs["connect_args"] = {"connect_timeout": 5}
    engine = sa.create_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _private_file(path: Path) -> None:
    """Create the database file (and its folder) readable by this user only.

    SQLite's journal files take the database file's permissions.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """Make SQLite honour ON DELETE CASCADE (it is off per connection by default)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
