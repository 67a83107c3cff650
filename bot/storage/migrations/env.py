"""Alembic environment, configured in code by `bot.storage.db.Database.migrate` (no alembic.ini).

Online: `config.attributes["connection"]` is an open connection to migrate.
Offline (`--sql`): the URL in the `sqlalchemy.url` option.
"""

from __future__ import annotations

from alembic import context

from bot.storage.models import Base

config = context.config


def run_offline() -> None:
    """Emit the migration SQL for the configured URL without connecting."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate through the connection handed over by Database.migrate."""
    connection = config.attributes["connection"]
    context.configure(
        connection=connection, target_metadata=Base.metadata, render_as_batch=connection.dialect.name == "sqlite"
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
