"""Retention: `python -m bot purge` and the running bot's daily purge delete data older than the retention period."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.storage.db import DEFAULT_QUESTION_RETENTION_DAYS, OUTAGES, Database, outage_reason, safe

log = logging.getLogger(__name__)


def format_counts(counts: dict[str, int]) -> str:
    """A small text table of rows deleted per table."""
    width = max([len("table"), *map(len, counts)])
    lines = [f"{'table':<{width}}  rows deleted"]
    lines += [f"{table:<{width}}  {rows:>12}" for table, rows in counts.items()]
    return "\n".join(lines)


def purge_main(settings_url: str, days: int, question_days: int = DEFAULT_QUESTION_RETENTION_DAYS) -> int:
    """Migrate, delete rows older than `days` days (questions: question_days if shorter); print counts.

    Returns the exit status.
    """
    if days < 1:
        print(f"purge: the retention period must be at least 1 day, not {days}.", file=sys.stderr)
        return 2
    db = Database(settings_url, retention_days=days, question_retention_days=question_days)
    try:
        db.migrate()
        counts = asyncio.run(db.purge(days))
    except OUTAGES as error:
        print(f"purge: the database is unavailable: {outage_reason(error)}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(f"Deleted rows not seen for {days} days:")
    print(format_counts(counts))
    return 0


DAY = 24 * 60 * 60.0


async def purge_daily(db: Database, every: float = DAY) -> None:
    """Purge expired rows now and then every `every` seconds, until cancelled (the running bot's retention).

    A database outage is logged and the purge tried again next time.
    """
    while True:
        counts = await safe(db.purge(), None, "purge expired rows")
        if counts is not None:
            log.info("Retention purge: %s", ", ".join(f"{n} {table}" for table, n in counts.items()))
        await asyncio.sleep(every)
