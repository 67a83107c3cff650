"""Language teams' staff supergroups (issue 11): the group a case's topic is in.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

With STAFF_CHATS a case is opened in its language team's supergroup and stays there: `cases.staff_group`
is that group's id. Cases opened before get 0, which means the default group (STAFF_CHAT_ID). A topic's
id is only unique within its group, so the topics still to delete are keyed by group and topic.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _rebuild_deletions(columns: list[sa.Column], copy: str) -> None:
    """forum_topic_deletions again with these columns, its rows copied by copy (SELECT ... FROM old)."""
    op.create_table("forum_topic_deletions_new", *columns, sa.Column("last_seen", sa.DateTime, nullable=False))
    op.execute(f"INSERT INTO forum_topic_deletions_new {copy}")
    op.drop_table("forum_topic_deletions")  # first: PostgreSQL's primary key index is named after the table
    op.rename_table("forum_topic_deletions_new", "forum_topic_deletions")
    op.create_index("ix_forum_topic_deletions_last_seen", "forum_topic_deletions", ["last_seen"])


def upgrade() -> None:
    """Add cases.staff_group; key forum_topic_deletions by (staff_group, forum_topic_id)."""
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("staff_group", sa.BigInteger, nullable=False, server_default="0"))
    _rebuild_deletions(
        [
            sa.Column("staff_group", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("forum_topic_id", sa.BigInteger, primary_key=True, autoincrement=False),
        ],
        "(staff_group, forum_topic_id, last_seen) SELECT 0, forum_topic_id, last_seen FROM forum_topic_deletions",
    )


def downgrade() -> None:
    """Back to one staff group: topics keyed by their id alone, no cases.staff_group."""
    _rebuild_deletions(
        [sa.Column("forum_topic_id", sa.BigInteger, primary_key=True, autoincrement=False)],
        "(forum_topic_id, last_seen) SELECT forum_topic_id, MIN(last_seen) FROM forum_topic_deletions "
        "GROUP BY forum_topic_id",
    )
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("staff_group")
