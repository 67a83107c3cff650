"""HttpRasaClient against a real `rasa run --enable-api` server on the test model, and RASA_URL wiring."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.assistant import Assistant
from bot.content.store import ContentStore
from bot.detection.detector import LanguageDetector
from bot.rasa.action_server import ActionServer, free_port
from bot.rasa.client import HttpRasaClient, RasaUnavailable
from bot.replies import contacts
from bot.settings import REPO
from bot.telegram.core.render import escape
from tests.helpers.telegram import Person, telegram_settings

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
def rasa_url(model_path: Path, content_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Rasa server (REST channel + HTTP API) on the test model, with its own action server."""
    tmp = tmp_path_factory.mktemp("rasa-server")
    actions = ActionServer(
        env={"CONTENT_DIR": str(content_copy), "REGION": "es-barcelona"}, log_path=tmp / "actions.log"
    )
    actions.start()
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(f"action_endpoint:\n  url: {actions.url}\n", encoding="utf-8")
    port = free_port()
    log = (tmp / "rasa.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rasa",
            "run",
            "--enable-api",
            "--model",
            str(model_path),
            "--port",
            str(port),
            "--endpoints",
            str(endpoints),
            "--interface",
            "127.0.0.1",
        ],
        cwd=tmp,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            assert proc.poll() is None, (tmp / "rasa.log").read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "Rasa did not start within 600 s"
            try:
                with urllib.request.urlopen(f"{url}/status", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        actions.stop()


@pytest.fixture(scope="module")
def parts(content_copy: Path) -> tuple[ContentStore, LanguageDetector]:
    store = ContentStore(content_copy)
    return store, LanguageDetector(store.current().languages, REPO / "nlu_data")


@pytest.fixture
async def slow_rasa() -> AsyncIterator[str]:
    """A server that takes 5 s to answer anything."""
    import asyncio

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response([])

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


def _dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


async def test_http_client_answers_in_the_language_sent_as_metadata(rasa_url: str, parts: Any):
    store, detector = parts
    client = HttpRasaClient([rasa_url], timeout=30)
    try:
        turn = await Assistant(store, client, detector, "es-barcelona").handle("http-1", "/menu", "ar")
        assert turn.language == "ar"
        assert turn.reply.messages == [store.current().text("ar", "menu.title")]
        assert any(e["event"] == "user" for e in await client.events("http-1"))
        await client.forget("http-1")
        assert not [e for e in await client.events("http-1") if e["event"] == "user"]
    finally:
        await client.close()


async def test_http_client_pauses_and_resumes_a_conversation(rasa_url: str, parts: Any):
    store, detector = parts
    client = HttpRasaClient([rasa_url], timeout=30)
    try:
        await Assistant(store, client, detector, "es-barcelona").handle("http-pause", "/menu", "en")
        await client.append_events("http-pause", [{"event": "pause"}])
        await client.append_events("http-pause", [{"event": "resume"}])
        events = [e["event"] for e in await client.events("http-pause")]
        assert events[-2:] == ["pause", "resume"]
    finally:
        await client.close()


async def test_a_conversation_stays_on_one_server_and_fails_over_when_it_is_down(rasa_url: str):
    dead = _dead_url()
    client = HttpRasaClient([dead, rasa_url], timeout=30)
    try:
        senders = [f"http-{i}" for i in range(20)]
        assert all(client.servers_for(s) == client.servers_for(s) for s in senders)  # stable
        assert {client.servers_for(s)[0] for s in senders} == {dead, rasa_url}  # spread over both
        on_dead = next(s for s in senders if client.servers_for(s)[0] == dead)
        messages = await client.send(on_dead, "/menu", {"language": "en", "region": "es-barcelona"})
        assert any(m.get("text") for m in messages)
    finally:
        await client.close()
    client = HttpRasaClient([_dead_url(), _dead_url()], timeout=5)
    try:
        with pytest.raises(RasaUnavailable):
            await client.send("http-2", "/menu", {"language": "en"})
    finally:
        await client.close()


async def test_a_slow_rasa_server_times_out_into_the_unavailable_reply(slow_rasa: str, parts: Any):
    store, detector = parts
    client = HttpRasaClient([slow_rasa], timeout=0.5)
    try:
        with pytest.raises(RasaUnavailable):
            await client.send("http-3", "hola", {"language": "es"})
        started = time.monotonic()
        turn = await Assistant(store, client, detector, "es-barcelona").handle("http-3", "/menu", "fr")
        assert time.monotonic() - started < 3
    finally:
        await client.close()
    assert turn.topic == "unavailable"
    assert turn.reply.messages == [contacts(store.current(), "es-barcelona", "fr", "error.unavailable")]


async def test_telegram_uses_the_rasa_servers_of_rasa_url(
    rasa_url: str, bot_api: Any, content_copy: Path, tmp_path: Path
):
    from bot.telegram import build_application, running
    from bot.wiring import open_assistant

    settings = telegram_settings(content_copy, tmp_path)
    settings = replace(settings, rasa=replace(settings.rasa, urls=(_dead_url(), rasa_url)))
    async with open_assistant(settings) as remote:
        assert isinstance(remote.client, HttpRasaClient)
        app = build_application(settings, remote, base_url=bot_api.url)
        async with running(app, poll_timeout=1):
            [menu] = await Person(bot_api, 5001, "th").say("/menu")
    assert menu["text"] == escape(remote.store.current().text("th", "menu.title"))


async def test_a_refused_request_names_the_server_but_never_the_token():
    async def refuse(request: web.Request) -> web.Response:
        return web.Response(status=401, text="wrong token")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", refuse)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    client = HttpRasaClient([f"http://127.0.0.1:{runner.addresses[0][1]}"], 5.0, token="s3cret-token-value")
    try:
        with pytest.raises(RasaUnavailable) as error:
            await client.send("someone", "hello", {})
        assert "401" in str(error.value) and "127.0.0.1" in str(error.value)
        assert "s3cret" not in str(error.value) and error.value.__cause__ is None
    finally:
        await client.close()
        await runner.cleanup()
