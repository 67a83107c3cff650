"""`python -m bot run` with only TELEGRAM_BOT_TOKEN serves Telegram (the pseudonym key made on first start)."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import REPO
from bot.telegram.core.render import escape
from tests.helpers.telegram import TOKEN, Person

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.mark.parametrize(
    "extra", [{"PSEUDONYM_SECRET": "too short"}, {"PSEUDONYM_SECRET": "", "REDIS_URL": "redis://127.0.0.1:6379/0"}]
)
def test_run_refuses_a_short_secret_or_replicas_without_one(tmp_path: Path, extra: dict[str, str]):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "VAR_DIR": str(tmp_path), **extra}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 2
    assert "PSEUDONYM_SECRET" in result.stderr


async def test_run_serves_telegram_until_stopped(bot_api, model_path: Path, content_copy: Path, tmp_path: Path):
    from bot.content.store import ContentStore
    from bot.rasa.training import model_path as current_model

    if model_path != current_model():  # `run` trains when its model is missing: far too slow here
        pytest.skip("TEST_MODEL is not the model of the current training data, which `run` would use")
    # Only the token, as the README says: the pseudonym key is made in VAR_DIR on first start.
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "PSEUDONYM_SECRET": "",
        "VAR_DIR": str(tmp_path),
        "CONTENT_DIR": str(content_copy),
        "TELEGRAM_API_BASE_URL": bot_api.url,
    }
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        # A plain Popen: asyncio's subprocess support depends on the loop policy (Rasa installs uvloop's).
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        await bot_api.wait_for(lambda calls: any(c.method == "getupdates" for c in calls), timeout=600)
        [menu] = await Person(bot_api, 2001, "es").say("/menu")
        content = ContentStore(content_copy).current()
        assert menu["text"] == escape(content.text("es", "menu.title"))
        made = [f for f in tmp_path.iterdir() if f.is_file() and f != log]  # the bot's: key, database, logs
        assert {f.name for f in made} >= {"pseudonym.key", "assistant.db", "action-server.log"}
        assert {f.name: oct(stat.S_IMODE(f.stat().st_mode)) for f in made} == {f.name: "0o600" for f in made}
        proc.send_signal(signal.SIGINT)
        assert await asyncio.to_thread(proc.wait, 120) == 0, log.read_text(errors="replace")[-3000:]
    finally:
        if proc.returncode is None:  # stop it properly, so it stops its action server too
            proc.send_signal(signal.SIGINT)
            try:
                await asyncio.to_thread(proc.wait, 60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
