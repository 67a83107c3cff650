"""Photos and documents in case messages (by Telegram file id); transfers and queue positions of cases (issue 4).

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-27

The file itself is never downloaded: Telegram keeps it, the bot sends it on by its file id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add media_kind (photo / document) and media_file_id to case_messages; routed_to, told_position to cases."""
    with op.batch_alter_table("case_messages") as batch:
        batch.add_column(sa.Column("media_kind", sa.String(16), nullable=True))
        batch.add_column(sa.Column("media_file_id", sa.String(255), nullable=True))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("routed_to", sa.String(16), nullable=True))
        batch.add_column(sa.Column("told_position", sa.Integer, nullable=True))


def downgrade() -> None:
    """Drop the four columns."""
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("told_position")
        batch.drop_column("routed_to")
    with op.batch_alter_table("case_messages") as batch:
        batch.drop_column("media_file_id")
        batch.drop_column("media_kind")
