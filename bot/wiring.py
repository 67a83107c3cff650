"""Build the assistant a deployment needs: Rasa in this process, in worker processes it starts, or over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from bot.assistant import Assistant
from bot.content.store import ContentStore
from bot.detection.detector import LanguageDetector
from bot.rasa.action_server import ActionServer
from bot.rasa.client import AgentClient, HttpRasaClient, RasaClient, redis_lock_store
from bot.rasa.tracker_store import sql_tracker_store
from bot.rasa.training import train
from bot.rasa.workers import RasaWorkers
from bot.settings import REPO, Settings


@contextlib.asynccontextmanager
async def open_assistant(
    settings: Settings, model: Path | None = None, database_url: str | None = None
) -> AsyncIterator[Assistant]:
    """Start what is needed (training first if the model is missing), and stop it afterwards.

    database_url: keep Rasa's conversations in that database (the Telegram bot); None keeps them in
    memory, nothing on disk (the terminal chat and `ask`).
    """
    store = ContentStore(settings.content.dir)
    content = store.current()  # fails early, naming the file, if the content is broken
    detector = LanguageDetector(content.languages, REPO / "nlu_data")
    detector.preload()
    if settings.rasa.urls:  # RASA_URL: Rasa runs elsewhere, with its own model, actions and tracker store
        remote = HttpRasaClient(settings.rasa.urls, settings.rasa.timeout, settings.rasa.token)
        try:
            yield Assistant(store, remote, detector, settings.content.region, settings.content.max_message_chars)
        finally:
            await remote.close()
        return
    model = model or train(content_dir=settings.content.dir)
    server = None
    url = settings.rasa.action_server_url
    if not url:
        server = ActionServer.for_settings(settings)
        server.start(wait=False)  # it starts on the other core while Rasa loads here
        url = server.url
    watches: list[asyncio.Task[None]] = []
    workers = None
    try:
        if settings.rasa.workers:  # Rasa servers as child processes: every core answers
            settings.storage.var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            workers = RasaWorkers(settings.rasa.workers, model, url, settings.storage.var_dir, database_url)
            await asyncio.to_thread(workers.start)
            client: RasaClient = HttpRasaClient(workers.urls, settings.rasa.timeout, workers.token)
            watches.append(asyncio.create_task(workers.supervise(), name="rasa-worker-supervisor"))
        else:
            tracker_store = sql_tracker_store(database_url) if database_url else None
            lock_store = redis_lock_store(settings.storage.redis_url) if settings.storage.redis_url else None
            agent = AgentClient(model, url, settings.rasa.timeout, tracker_store=tracker_store, lock_store=lock_store)
            agent.load()
            client = agent
        if server:
            server.wait_ready()
            watches.append(asyncio.create_task(server.supervise(), name="action-server-supervisor"))  # self-healing
        try:
            yield Assistant(store, client, detector, settings.content.region, settings.content.max_message_chars)
        finally:
            for watch in watches:
                watch.cancel()
            if isinstance(client, (HttpRasaClient, AgentClient)):
                await client.close()
    finally:
        if workers:
            workers.stop()
        if server:
            server.stop()
