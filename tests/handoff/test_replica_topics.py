"""Several bot replicas post a case's waiting messages in its forum topic once (issue 11).

Each replica runs the topic queue (bot/telegram/handoff/topic_queue.py) on the same database; with
REDIS_URL a lease in Redis lets one replica at a time post a case's messages. Here the running bot is
one replica; the fake Bot API holds its first post in the topic in flight while a second replica,
with its own Bot and its own Redis client, goes round the same cases: every message must still reach
the topic exactly once.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.telegram.core.redis_state import LEASE_TTL, RedisLease, connect
from bot.telegram.handoff.service import HANDOFF_KEY
from bot.telegram.handoff.topic_queue import post_waiting
from tests.helpers.forum import ForumBotApi
from tests.helpers.handoff import escalate
from tests.helpers.telegram import TOKEN, Person
from tests.helpers.waiting import until

pytestmark = pytest.mark.asyncio(loop_scope="session")
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


async def test_two_replicas_post_each_waiting_message_in_the_topic_once(
    handoff_bot, forum_api: ForumBotApi, redis_server: str
):
    secret = f"replica-topics-{uuid.uuid4().hex}"  # keys of this test only (the group's window too)
    person = Person(forum_api, 5401, "en")
    async with handoff_bot(REDIS_URL=redis_server, PSEUDONYM_SECRET=secret) as app:
        _, _, thread = await escalate(forum_api, person)
        handoff = app.bot_data[HANDOFF_KEY]
        since = forum_api.mark()
        forum_api.hold_after = len(forum_api.delivered())  # the next posts stay in flight until released
        for word in WORDS:
            forum_api.text(person.user, f"my word is {word}")
        await until(lambda: forum_api.held)  # the running bot is posting the case's first messages
        request = HTTPXRequest(read_timeout=60)  # a held post would wait for the release
        async with Bot(TOKEN, base_url=f"{forum_api.url}/bot", request=request) as other:
            lease = RedisLease(connect(redis_server), secret, LEASE_TTL)
            second = asyncio.create_task(post_waiting(handoff, other, lease))  # the other replica's round
            await until(lambda: second.done() or forum_api.held > 1)  # left the case alone, or posted it too
            forum_api.release_held()
            await second
        await until(lambda: all(any(w in t for t in topic_texts(forum_api, thread, since)) for w in WORDS))
        await until(lambda: _nothing_waits(handoff))
    # the bot stopped too: its posts under way reached the fake Bot API or never will
    texts = topic_texts(forum_api, thread, since)
    counts = {w: sum(t.count(f"my word is {w}") for t in texts) for w in WORDS}
    assert counts == dict.fromkeys(WORDS, 1), (counts, texts)


def topic_texts(api: ForumBotApi, thread: int, since: int) -> list[str]:
    """The texts the bot sent into the case's topic since the mark."""
    return [m.get("text", "") for m in api.in_topic(thread, since)]


async def _nothing_waits(handoff: Any) -> bool:
    return not await handoff.cases.waiting_for_topics()
