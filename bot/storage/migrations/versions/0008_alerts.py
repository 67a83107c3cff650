"""Alerts: subscriptions per topic and one delivery row per alert and subscriber (issue 13).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create alert_subscriptions and alert_deliveries."""
    op.create_table(
        "alert_subscriptions",
        sa.Column("pseudonym", sa.String(64), sa.ForeignKey("users.pseudonym", ondelete="CASCADE"), primary_key=True),
        sa.Column("topic", sa.String(64), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("last_seen", sa.DateTime, nullable=False),
    )
    op.create_index("ix_alert_subscriptions_region", "alert_subscriptions", ["region"])
    op.create_index("ix_alert_subscriptions_last_seen", "alert_subscriptions", ["last_seen"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.String(64), nullable=False),
        sa.Column("pseudonym", sa.String(64), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("claim", sa.String(32), nullable=True),
        sa.Column("claimed_at", sa.DateTime, nullable=True),
        sa.Column("not_before", sa.DateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_seen", sa.DateTime, nullable=False),
        sa.UniqueConstraint("alert_id", "pseudonym", name="uq_alert_deliveries_alert_person"),
    )
    for column in ("alert_id", "pseudonym", "state", "last_seen"):
        op.create_index(f"ix_alert_deliveries_{column}", "alert_deliveries", [column])


def downgrade() -> None:
    """Drop the alert tables."""
    op.drop_table("alert_deliveries")
    op.drop_table("alert_subscriptions")
