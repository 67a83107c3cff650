"""`python -m bot run` with TELEGRAM_BOT_TOKEN: refuses without a secret, serves Telegram with one."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import REPO
from bot.telegram.render import escape
from tests.telegram.conftest import SECRET, TOKEN, Person

pytestmark = pytest.mark.asyncio(loop_scope="session")


def test_run_refuses_to_start_without_a_pseudonym_secret(tmp_path: Path):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PSEUDONYM_SECRET": "", "VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 2
    assert "PSEUDONYM_SECRET" in result.stderr


async def test_run_serves_telegram_until_stopped(bot_api, model_path: Path, content_copy: Path, tmp_path: Path):
    from bot.content_store import ContentStore
    from bot.training import model_path as current_model

    if model_path != current_model():  # `run` trains when its model is missing: far too slow here
        pytest.skip("TEST_MODEL is not the model of the current training data, which `run` would use")
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PSEUDONYM_SECRET": SECRET, "VAR_DIR": str(tmp_path),
           "CONTENT_DIR": str(content_copy), "TELEGRAM_API_BASE_URL": bot_api.url}
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        # A plain Popen: asyncio's subprocess support depends on the loop policy (Rasa installs uvloop's).
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        await bot_api.wait_for(lambda calls: any(c.method == "getupdates" for c in calls), timeout=600)
        [menu] = await Person(bot_api, 2001, "es").say("/menu")
        content = ContentStore(content_copy).current()
        assert menu["text"] == escape(content.text("es", "menu.title"))
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
