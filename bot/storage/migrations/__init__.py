"""Alembic migrations of the assistant's schema (run by `Database.migrate`)."""
