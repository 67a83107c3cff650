"""Meta-tests: the schema keeps the privacy rules, and the migration builds exactly the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.storage.db import Database
from bot.storage.models import RETENTION_COLUMN, Base

FORBIDDEN = ("status", "immigra", "visa", "name", "phone", "username", "email", "passport", "document")


def test_every_table_has_a_retention_column() -> None:
    for table in Base.metadata.sorted_tables:
        assert RETENTION_COLUMN in table.c, f"{table.name} has no {RETENTION_COLUMN}: retention cannot purge it"


def test_nothing_identifying_is_stored() -> None:
    for table in Base.metadata.sorted_tables:
        for column in table.c:
            assert not any(word in column.name for word in FORBIDDEN), f"{table.name}.{column.name}"


def test_only_telegram_chats_maps_back_to_telegram() -> None:
    holders = {t.name for t in Base.metadata.sorted_tables for c in t.c if "chat" in c.name or "telegram" in c.name}
    assert holders == {"telegram_chats"}


def test_migrate_creates_the_tables_and_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        assert {"users", "telegram_chats", "alembic_version"} <= tables
        head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == head
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrate_twice_is_harmless(db: Database) -> None:
    db.migrate()
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1


async def test_deleting_a_user_cascades_to_the_chat_mapping(db: Database) -> None:
    await db.remember_chat("p" * 64, 99)
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM users"))
    assert await db.chat_id_for("p" * 64) is None


def test_migration_sql_can_be_emitted_offline(capsys: pytest.CaptureFixture[str]) -> None:
    command.upgrade(Database("sqlite://").alembic_config(), "head", sql=True)
    sql = capsys.readouterr().out
    assert "CREATE TABLE users" in sql and "ON DELETE CASCADE" in sql
