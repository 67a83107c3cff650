"""Forum topics still to delete after /forget or retention (issue 10).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

A case's staff-chat topic holds everything relayed; deleting the case's rows is not enough.
The topic's id waits here until Telegram has deleted the topic.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create forum_topic_deletions."""
    op.create_table(
        "forum_topic_deletions",
        sa.Column("forum_topic_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_forum_topic_deletions_last_seen", "forum_topic_deletions", ["last_seen"])


def downgrade() -> None:
    """Drop forum_topic_deletions."""
    op.drop_table("forum_topic_deletions")
