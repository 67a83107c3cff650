"""Telegram chat ids encrypted at rest (issue 10).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

telegram_chats.chat_id becomes the sealed text (bot/privacy/chat_seal.py). A migration has no key,
so the plain ids are not converted: the table is emptied and each person's chat is recorded again,
sealed, with their next message (until then a staff reply to them waits, stored, and is sent then).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _chats(chat_id: sa.types.TypeEngine) -> None:
    op.create_table(
        "telegram_chats",
        sa.Column("pseudonym", sa.String(64), sa.ForeignKey("users.pseudonym", ondelete="CASCADE"), primary_key=True),
        sa.Column("chat_id", chat_id, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_telegram_chats_last_seen", "telegram_chats", ["last_seen"])


def upgrade() -> None:
    """Recreate telegram_chats with a text column for the sealed chat id (plain ids dropped)."""
    op.drop_table("telegram_chats")
    _chats(sa.String(255))


def downgrade() -> None:
    """Back to plain chat ids (the sealed ones cannot be opened here: dropped)."""
    op.drop_table("telegram_chats")
    _chats(sa.BigInteger())
