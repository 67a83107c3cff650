"""Users' preferences and the pseudonym → Telegram chat mapping.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create users and telegram_chats."""
    op.create_table(
        "users",
        sa.Column("pseudonym", sa.String(64), primary_key=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("region", sa.String(32), nullable=True),
        sa.Column("first_contact", sa.Date, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_users_last_seen", "users", ["last_seen"])
    op.create_table(
        "telegram_chats",
        sa.Column("pseudonym", sa.String(64), sa.ForeignKey("users.pseudonym", ondelete="CASCADE"), primary_key=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_telegram_chats_last_seen", "telegram_chats", ["last_seen"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("telegram_chats")
    op.drop_table("users")
