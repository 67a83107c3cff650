"""Deleting a case's staff-chat forum topic (card, relayed texts and media, notes, rating) for good.

`/forget` deletes the person's topics at once; the retention purge queues the topics of expired
cases (bot/storage/topic_deletions.py), which `keep_deleting` removes in the background. A topic
Telegram refuses to delete stays queued and is tried again, and the person is told it is not gone yet.

The same goes for a case's messages in staff private chats (private.py): copies and staff replies, deleted
one by one (deleteMessage) when their case is forgotten or purged, and COPY_LIFETIME after they were sent
at the latest, since Telegram lets a bot delete a message only within 48 hours.
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
TOO_OLD = "can't be deleted"  # Telegram's words for a message past its 48 hours (or deleted by hand)


async def topics_of(handoff: Handoff | None, person: str) -> list[tuple[int, int]]:
    """The person's forum topics, (staff group, topic id), read before their rows go; none without a handoff."""
    if handoff is None:
        return []
    return await safe(handoff.cases.topics_of(person), [], "read the staff topics to delete")


async def delete_topics(handoff: Handoff, bot: Bot, topics: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Delete these forum topics, (staff group, topic id), through Telegram; those it did not (they stay queued)."""
    left = []
    for group, topic_id in topics:
        try:
            await bot.delete_forum_topic(handoff.group_of(group), topic_id)
        except BadRequest as error:
            if not any(words in str(error).lower() for words in ALREADY_GONE):
                log.warning("Telegram refused to delete staff topic %s (%s); it stays queued", topic_id, error)
                left.append((group, topic_id))
                continue
        except TelegramError as error:
            log.warning("Could not delete staff topic %s (%s); it stays queued", topic_id, error)
            left.append((group, topic_id))
            continue
        await safe(handoff.cases.topic_deleted(group, topic_id), None, "forget a deleted staff topic")
    return left


async def delete_copies(handoff: Handoff, bot: Bot) -> int:
    """Delete the private-chat messages of forgotten, expired or old cases; how many could not be deleted now.

    A message Telegram will never delete (past its 48 hours, or deleted by the staff member) is forgotten, logged.
    """
    left = 0
    for row_id, staff_id, message_id in await safe(handoff.inbox.to_delete(), [], "read the staff copies to delete"):
        try:
            await bot.delete_message(staff_id, message_id)
        except BadRequest as error:
            words = str(error).lower()
            if TOO_OLD not in words and not any(w in words for w in ALREADY_GONE):
                log.warning("Telegram refused to delete a staff copy (%s); tried again later", error)
                left += 1
                continue
            log.warning("A staff copy cannot be deleted any more (%s); forgotten", error)
        except TelegramError as error:
            log.warning("Could not delete a staff copy (%s); tried again later", error)
            left += 1
            continue
        await safe(handoff.inbox.deleted(row_id), None, "forget a deleted staff copy")
    return left


async def delete_queued(handoff: Handoff, bot: Bot) -> int:
    """Delete the queued topics and staff copies (forgotten or expired cases); how many are still left."""
    queued = await safe(handoff.cases.topics_to_delete(), [], "read the staff topics to delete")
    return len(await delete_topics(handoff, bot, queued)) + await delete_copies(handoff, bot)


async def keep_deleting(handoff: Handoff, bot: Bot, every: float = DELETE_EVERY) -> None:
    """Delete queued topics now and every `every` seconds, until cancelled (the bot stops)."""
    while True:
        try:
            await delete_queued(handoff, bot)
        except Exception:  # noqa: BLE001 - the loop must outlive one bad round
            log.exception("Deleting queued staff topics failed; trying again later")
        await asyncio.sleep(every)
