"""The pseudonym key made on first start: kept private, reused, never over an explicit one."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.privacy.pseudonym_key import KEY_FILE, with_pseudonym_key
from bot.settings import Settings, SettingsError


def settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"VAR_DIR": str(tmp_path / "var"), **env})


def test_a_missing_key_is_made_once_readable_by_this_user_only(tmp_path: Path):
    first = with_pseudonym_key(settings(tmp_path))
    path = tmp_path / "var" / KEY_FILE
    assert len(first.storage.pseudonym_secret) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert with_pseudonym_key(settings(tmp_path)).storage.pseudonym_secret == first.storage.pseudonym_secret


def test_an_explicit_secret_wins_and_nothing_is_written(tmp_path: Path):
    explicit = "x" * 40
    assert with_pseudonym_key(settings(tmp_path, PSEUDONYM_SECRET=explicit)).storage.pseudonym_secret == explicit
    assert not (tmp_path / "var" / KEY_FILE).exists()


def test_replicas_must_share_an_explicit_secret(tmp_path: Path):
    with pytest.raises(SettingsError, match="REDIS_URL"):
        with_pseudonym_key(settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0"))


def test_a_damaged_key_file_is_refused_not_replaced(tmp_path: Path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / KEY_FILE).write_text("short\n")
    with pytest.raises(SettingsError, match=KEY_FILE):
        with_pseudonym_key(settings(tmp_path))
    assert (tmp_path / "var" / KEY_FILE).read_text() == "short\n"


def test_the_sqlite_database_is_made_readable_by_this_user_only(tmp_path: Path):
    from bot.storage.db import Database

    path = tmp_path / "var" / "assistant.db"
    db = Database(f"sqlite:///{path}")
    try:
        db.migrate()
    finally:
        db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
