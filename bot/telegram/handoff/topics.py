"""Deleting a case's staff-chat forum topic (card, relayed texts and media, notes, rating) for good.

`/forget` deletes the person's topics at once; the retention purge queues the topics of expired
cases (bot/storage/topic_deletions.py), which `keep_deleting` removes in the background. A topic
Telegram refuses to delete stays queued and is tried again, and the person is told it is not gone yet.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.storage.db import safe
from bot.telegram.handoff.service import Handoff

log = logging.getLogger(__name__)

DELETE_EVERY = 600.0  # seconds between rounds of the background deletion
ALREADY_GONE = ("not found", "topic_id_invalid")  # Telegram's words for a topic deleted before


async def topics_of(handoff: Handoff | None, person: str) -> list[int]:
    """The person's forum topics (read before their rows are deleted); none without a handoff."""
    if handoff is None:
        return []
    return await safe(handoff.cases.topics_of(person), [], "read the staff topics to delete")


async def delete_topics(handoff: Handoff, bot: Bot, topic_ids: list[int]) -> list[int]:
    """Delete these forum topics through Telegram; the ids it did not delete (they stay queued)."""
    left = []
    for topic_id in topic_ids:
        try:
            await bot.delete_forum_topic(handoff.staff_chat_id, topic_id)
        except BadRequest as error:
            if not any(words in str(error).lower() for words in ALREADY_GONE):
                log.warning("Telegram refused to delete staff topic %s (%s); it stays queued", topic_id, error)
                left.append(topic_id)
                continue
        except TelegramError as error:
            log.warning("Could not delete staff topic %s (%s); it stays queued", topic_id, error)
            left.append(topic_id)
            continue
        await safe(handoff.cases.topic_deleted(topic_id), None, "forget a deleted staff topic")
    return left


async def delete_queued(handoff: Handoff, bot: Bot) -> int:
    """Delete the queued topics (forgotten or expired cases); how many are still left."""
    queued = await safe(handoff.cases.topics_to_delete(), [], "read the staff topics to delete")
    return len(await delete_topics(handoff, bot, queued))


async def keep_deleting(handoff: Handoff, bot: Bot, every: float = DELETE_EVERY) -> None:
    """Delete queued topics now and every `every` seconds, until cancelled (the bot stops)."""
    while True:
        try:
            await delete_queued(handoff, bot)
        except Exception:  # noqa: BLE001 - the loop must outlive one bad round
            log.exception("Deleting queued staff topics failed; trying again later")
        await asyncio.sleep(every)
