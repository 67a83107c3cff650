"""Rasa's own checks: data validation and the test stories with the trained model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.settings import REPO

RASA = [sys.executable, "-m", "rasa"]


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        RASA + args,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        env={**__import__("os").environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )


def test_rasa_data_validate_is_clean(tmp_path: Path):
    result = _run(
        [
            "data",
            "validate",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "nlu_data",
            "--config",
            "config.yml",
            "--fail-on-warnings",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_test_stories_pass_without_prediction_errors(model_path: Path, tmp_path: Path):
    result = _run(
        [
            "test",
            "core",
            "--model",
            str(model_path),
            "--stories",
            "tests/stories",
            "--out",
            str(tmp_path / "results"),
            "--fail-on-prediction-errors",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
