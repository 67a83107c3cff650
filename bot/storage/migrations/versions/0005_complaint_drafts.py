"""Complaints being written, one question at a time (issue 4).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

The flow's progress lives here, not in a process, so several replicas can serve one person.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create complaint_drafts (deleted with the user; purged by last_seen)."""
    op.create_table(
        "complaint_drafts",
        sa.Column("pseudonym", sa.String(64), sa.ForeignKey("users.pseudonym", ondelete="CASCADE"), primary_key=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_complaint_drafts_last_seen", "complaint_drafts", ["last_seen"])


def downgrade() -> None:
    """Drop complaint_drafts."""
    op.drop_table("complaint_drafts")
