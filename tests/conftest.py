"""Shared fixtures: the trained model, a running assistant on a private copy of the content."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.settings import REPO, Settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The trained model for the current data (trains once if it is missing).

    TEST_MODEL=path uses a given model instead (for quick runs while developing).
    """
    from bot.training import train

    return Path(os.environ["TEST_MODEL"]) if os.environ.get("TEST_MODEL") else train()


@pytest.fixture(scope="session")
def content_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of content/ that tests may edit while the assistant runs."""
    target = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(REPO / "content", target)
    return target


@pytest.fixture(scope="session")
async def assistant(model_path: Path, content_copy: Path, tmp_path_factory: pytest.TempPathFactory
                    ) -> AsyncIterator[object]:
    """The real assistant: trained model, real action server, content from content_copy."""
    from bot.local import local_assistant

    settings = Settings.from_env({"CONTENT_DIR": str(content_copy), "REGION": "es-barcelona",
                                  "VAR_DIR": str(tmp_path_factory.mktemp("var"))})
    async with local_assistant(settings, model_path) as a:
        yield a
