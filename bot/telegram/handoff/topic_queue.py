"""The forum topics' queue: what the person wrote, posted in their case's topic within the group's limit.

Telegram lets a bot send about 20 messages a minute into one group, and every topic of the staff
supergroup is that one group, shared by every open case. So the person's messages are not sent into
the topic by the handler that stored them: `keep_posting` (a background task) goes round the cases
with something waiting, the longest waiting first, and posts each case's waiting messages as one
message — texts merged in order, a photo or voice note on its own, as Telegram sends them. When the
group is busy, messages pile up and the next round merges them; when it is quiet a message goes at
once, alone. Staff replies written in a private chat (private.py) are posted the same way, for the record.

Nothing is lost: every message is stored first and marked posted only after Telegram took it; what
was not posted (a 429 past PTB's retries, an error, a restart) is found by the next round. With
several replicas (REDIS_URL) each case is posted by one replica at a time (a lease in Redis), so
nothing is posted twice either; a replica killed while posting leaves its lease to expire (LEASE_TTL).
A claimed case's messages reach the claimant's private chat much sooner (private.py); the topic is the record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Bot
from telegram.error import RetryAfter, TelegramError

from bot.handoff.lifecycle import Case, CaseMessage, Direction
from bot.storage.db import OUTAGES
from bot.telegram.handoff.sending import send_stored, to_topic
from bot.telegram.handoff.service import Handoff

log = logging.getLogger(__name__)

ROUND_EVERY = 30.0  # seconds between rounds when nothing wakes the queue (restarts, other replicas' leftovers)
PAUSE_AFTER_FAILURE = 5.0  # seconds before trying again after Telegram or the database failed
MERGE_CHARS = 3500  # texts merged into one topic message, at most (Telegram takes 4096)
LEASE = "topic-post"  # what a replica takes a lease on, per case, while posting in its topic


async def keep_posting(handoff: Handoff, bot: Bot, lease: Any = None) -> None:
    """Post what waits for the topics now, and again whenever something is stored, until cancelled.

    lease: a RedisLease (bot/telegram/core/redis_state.py) when replicas share the work: a case's
    waiting messages are then posted by one replica at a time, so never twice.
    """
    while True:
        handoff.topics_waiting.clear()
        try:
            done = await post_waiting(handoff, bot, lease)
        except Exception:  # noqa: BLE001 - the loop must outlive one bad round (an outage: logged, tried again)
            log.exception("Posting the person's messages in the staff topics failed; trying again")
            done = False
        wait = ROUND_EVERY if done else PAUSE_AFTER_FAILURE
        with contextlib.suppress(asyncio.TimeoutError):  # a new message wakes it: the failed ones go first
            await asyncio.wait_for(handoff.topics_waiting.wait(), wait)


async def post_waiting(handoff: Handoff, bot: Bot, lease: Any = None) -> bool:
    """One round: each case with something waiting gets one topic message (or a few); whether all went."""
    done = True
    for case_id in await handoff.cases.waiting_for_topics():
        token = await lease.take(LEASE, str(case_id)) if lease is not None else None
        if token == "":
            continue  # another replica is posting this case's messages
        try:
            case = await handoff.cases.get(case_id)
            if case is None or case.forum_topic_id is None:
                continue  # forgotten meanwhile, or its topic not created yet (escalate wakes the queue after)
            done = await post_case(handoff, bot, case) and done
        finally:
            if token:
                await lease.give_back(LEASE, str(case_id), token)
    return done


def _text(handoff: Handoff, message: CaseMessage) -> str:
    """How a waiting message reads in the topic: the person's as written, a private reply labelled."""
    return message.text if message.direction is Direction.USER else f"{_label(handoff)}{message.text}"


def _label(handoff: Handoff) -> str:
    return f"{handoff.staff_text('handoff.staff.replied_privately')}\n"


async def post_case(handoff: Handoff, bot: Bot, case: Case) -> bool:
    """Post what waits for this case's topic: runs of texts merged into one message, media one by one."""
    waiting = await handoff.cases.for_topic(case.id)
    try:
        while waiting:
            first = waiting[0]
            if first.media_kind is not None:
                label = "" if first.direction is Direction.USER else _label(handoff)
                await send_stored(handoff, bot, case, first, None, label)
                run = [first]
            else:
                run, size = [], 0
                for message in waiting:
                    text = _text(handoff, message)
                    if message.media_kind is not None or (run and size + len(text) > MERGE_CHARS):
                        break
                    run.append(message)
                    size += len(text) + 2
                await to_topic(handoff, bot, case, "\n\n".join(_text(handoff, m) for m in run))
            await handoff.cases.in_topic([m.id for m in run])
            waiting = waiting[len(run) :]
    except RetryAfter as error:  # PTB's limiter already waited and retried: the group is still full
        log.warning("Staff group over its limit (retry after %s s); case %s waits", error.retry_after, case.id)
        return False
    except TelegramError:
        log.exception("Could not post in the topic of case %s; the messages wait for the next round", case.id)
        return False
    except OUTAGES:
        log.exception("Database unavailable while posting in the topic of case %s", case.id)
        return False
    return True
