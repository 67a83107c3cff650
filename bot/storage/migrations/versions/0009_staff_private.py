"""The hotline within Telegram's group limit (issue 11): staff private chats and the copies sent there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

A claimed case's messages go to the claiming staff member's private chat with the bot too (one a
second per chat, instead of the staff group's 20 a minute for every case together); the forum topic
stays the record. `case_messages.copied` and `recorded` say what is still to send where.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create staff_private and staff_copies; add case_messages.copied and recorded."""
    op.create_table(
        "staff_private",
        sa.Column("staff_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_private_last_seen", "staff_private", ["last_seen"])
    op.create_table(
        "staff_copies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True),
        sa.Column("staff_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.BigInteger, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_staff_copies_case_id", "staff_copies", ["case_id"])
    op.create_index("ix_staff_copies_last_seen", "staff_copies", ["last_seen"])
    with op.batch_alter_table("case_messages") as batch:
        batch.add_column(sa.Column("copied", sa.Boolean, nullable=True))
        batch.add_column(sa.Column("recorded", sa.Boolean, nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("case_messages") as batch:
        batch.drop_column("recorded")
        batch.drop_column("copied")
    op.drop_table("staff_copies")
    op.drop_table("staff_private")
