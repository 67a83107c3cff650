"""SQL that SQLAlchemy 1.4 does not say in one way for every database: insert-or-update."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def upsert(conn: Connection, table: sa.Table, values: dict[str, Any], update: dict[str, Any]) -> None:
    """Insert a row, or update `update` columns where the primary key already exists (one statement)."""
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        keys = [c.name for c in table.primary_key.columns]
        conn.execute(insert(table).values(**values).on_conflict_do_update(index_elements=keys, set_=update))
        return
    key = sa.and_(*(c == values[c.name] for c in table.primary_key.columns))
    if conn.execute(sa.update(table).where(key).values(**update)).rowcount == 0:
        conn.execute(sa.insert(table).values(**values))
