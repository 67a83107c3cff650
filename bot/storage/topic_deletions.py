"""Staff-chat forum topics to delete: queued in the transaction that deletes their cases, drained by the bot.

`/forget` and the retention purge delete a case's rows; its forum topic (card, relayed texts and
media, ratings) is deleted through Telegram (bot/telegram/handoff/topics.py). So that nothing is
lost if Telegram refuses or the bot stops, the topic's id is queued here first, in the same
transaction, and removed (`CaseStore.topic_deleted`) only once Telegram has deleted the topic.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.models import Case, ForumTopicDeletion, utcnow
from bot.storage.sql import upsert

TOPICS = ForumTopicDeletion.__table__
CASES = Case.__table__


def queue_topics_of(conn: Connection, cases_where: Any) -> list[tuple[int, int]]:
    """Queue the forum topics of the cases matching cases_where (before they are deleted): (group, topic id).

    A topic's id is unique within its staff group only (the language teams' groups, STAFF_CHATS); group 0
    is the default group (STAFF_CHAT_ID).
    """
    query = sa.select(CASES.c.staff_group, CASES.c.forum_topic_id).where(
        cases_where, CASES.c.forum_topic_id.is_not(None)
    )
    topics = [(int(group), int(topic)) for group, topic in conn.execute(query)]
    now = utcnow()
    for group, topic in topics:
        values = {"staff_group": group, "forum_topic_id": topic, "last_seen": now}
        upsert(conn, TOPICS, values, {"last_seen": now})
    return topics
