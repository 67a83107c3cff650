"""`python -m bot purge`: delete stored data older than the retention period."""

from __future__ import annotations

import asyncio
import sys

from bot.storage.db import OUTAGES, Database, outage_reason


def format_counts(counts: dict[str, int]) -> str:
    """A small text table of rows deleted per table."""
    width = max([len("table"), *map(len, counts)])
    lines = [f"{'table':<{width}}  rows deleted"]
    lines += [f"{table:<{width}}  {rows:>12}" for table, rows in counts.items()]
    return "\n".join(lines)


def purge_main(settings_url: str, days: int) -> int:
    """Migrate, delete rows not seen for `days` days, print rows deleted per table; the exit status."""
    if days < 1:
        print(f"purge: the retention period must be at least 1 day, not {days}.", file=sys.stderr)
        return 2
    db = Database(settings_url, retention_days=days)
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
