"""Everything the assistant needs in one process: model, action server, content, detector."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from bot.action_server import ActionServer
from bot.assistant import Assistant
from bot.content_store import ContentStore
from bot.detect import LanguageDetector
from bot.rasa_client import AgentClient
from bot.settings import REPO, Settings
from bot.training import train


@contextlib.asynccontextmanager
async def local_assistant(settings: Settings, model: Path | None = None) -> AsyncIterator[Assistant]:
    """Start what is needed (training first if the model is missing), and stop it afterwards."""
    store = ContentStore(settings.content_dir)
    content = store.current()  # fails early, naming the file, if the content is broken
    model = model or train(content_dir=settings.content_dir)
    detector = LanguageDetector(content.languages, REPO / "nlu_data")
    server = None
    url = settings.action_server_url
    if not url:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        server = ActionServer(
            env={"CONTENT_DIR": str(settings.content_dir), "REGION": settings.region,
                 "RETENTION_DAYS": str(settings.retention_days)},
            log_path=settings.var_dir / "action-server.log",
        )
        server.start()
        url = server.url
    try:
        client = AgentClient(model, url)
        client.load()
        yield Assistant(store, client, detector, settings.region, settings.max_message_chars)
    finally:
        if server:
            server.stop()
