"""Everything the assistant needs in one process: model, action server, content, detector."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from bot.action_server import ActionServer
from bot.assistant import Assistant
from bot.content_store import ContentStore
from bot.detect import LanguageDetector
from bot.rasa_client import AgentClient, HttpRasaClient, redis_lock_store
from bot.settings import REPO, Settings
from bot.storage.tracker import sql_tracker_store
from bot.training import train


@contextlib.asynccontextmanager
async def local_assistant(settings: Settings, model: Path | None = None,
                          database_url: str | None = None) -> AsyncIterator[Assistant]:
    """Start what is needed (training first if the model is missing), and stop it afterwards.

    database_url: keep Rasa's conversations in that database (the Telegram bot); None keeps them in
    memory, nothing on disk (the terminal chat and `ask`).
    """
    store = ContentStore(settings.content_dir)
    content = store.current()  # fails early, naming the file, if the content is broken
    detector = LanguageDetector(content.languages, REPO / "nlu_data")
    detector.preload()
    if settings.rasa_urls:  # RASA_URL: Rasa runs elsewhere, with its own model, actions and tracker store
        remote = HttpRasaClient(settings.rasa_urls, settings.rasa_timeout, settings.rasa_token)
        try:
            yield Assistant(store, remote, detector, settings.region, settings.max_message_chars)
        finally:
            await remote.close()
        return
    model = model or train(content_dir=settings.content_dir)
    server = None
    url = settings.action_server_url
    if not url:
        settings.var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        server = ActionServer(
            env={"CONTENT_DIR": str(settings.content_dir), "REGION": settings.region,
                 "RETENTION_DAYS": str(settings.retention_days),
                 "QUESTION_RETENTION_DAYS": str(settings.question_retention_days)},
            log_path=settings.var_dir / "action-server.log",
        )
        server.start(wait=False)  # it starts on the other core while Rasa loads here
        url = server.url
    try:
        tracker_store = sql_tracker_store(database_url) if database_url else None
        lock_store = redis_lock_store(settings.redis_url) if settings.redis_url else None
        client = AgentClient(model, url, settings.rasa_timeout, tracker_store=tracker_store, lock_store=lock_store)
        client.load()
        if server:
            server.wait_ready()
        yield Assistant(store, client, detector, settings.region, settings.max_message_chars)
    finally:
        if server:
            server.stop()
