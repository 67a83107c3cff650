"""Rasa's tracker store on the assistant's database, so the Telegram bot's conversations live with the rest."""

from __future__ import annotations

import logging
from typing import Any

from bot.storage.db import OUTAGES, outage_reason
from bot.storage.engine import create_engine

log = logging.getLogger(__name__)


def sql_tracker_store(url: str) -> Any | None:
    """Rasa's SQLTrackerStore on the database at `url`, its queries off the event loop (bot/rasa/threaded_store.py).

    None if that database is unreachable now.

    Rasa's store retries forever when it cannot connect, which would keep the bot
    from starting; we check first, and on an outage log it and return None so
    Rasa keeps conversations in memory (answering goes on).
    """
    engine = create_engine(url)  # also creates an SQLite file's folder
    try:
        with engine.connect():
            pass
    except OUTAGES as error:
        log.error("Database unavailable, Rasa keeps conversations in memory until restart: %s", outage_reason(error))
        return None
    finally:
        engine.dispose()
    from bot.rasa.threaded_store import ThreadedSQLTrackerStore

    return ThreadedSQLTrackerStore(host=url)  # a whole URL in `host` is used as it is
