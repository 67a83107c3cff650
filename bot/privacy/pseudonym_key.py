"""The pseudonym key: PSEUDONYM_SECRET when set, else one made on first start and kept in var/.

So that `TELEGRAM_BOT_TOKEN=… make run` just works, a missing key is generated once (32 random
bytes), written to var/pseudonym.key readable by this user only (0600, var/ 0700), and read back
on every later start. An explicit PSEUDONYM_SECRET always wins. Several replicas (REDIS_URL) must
share one key, so there it has to be set explicitly.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
from pathlib import Path

from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)
KEY_FILE = "pseudonym.key"
MIN_LENGTH = 16


def with_pseudonym_key(settings: Settings) -> Settings:
    """Settings whose pseudonym_secret is set: the explicit one, else var/pseudonym.key's (made if missing)."""
    if settings.storage.pseudonym_secret:
        return settings
    if settings.storage.redis_url:
        raise SettingsError(
            "PSEUDONYM_SECRET is empty: with REDIS_URL every replica needs the same key. Set it "
            "to a long random string, the same for all replicas, and keep it (see .env.example)."
        )
    path = settings.storage.var_dir / KEY_FILE
    secret = _read(path) if path.exists() else _create(path)
    return dataclasses.replace(settings, storage=dataclasses.replace(settings.storage, pseudonym_secret=secret))


def _read(path: Path) -> str:
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < MIN_LENGTH:
        raise SettingsError(
            f"{path} holds no usable pseudonym key. Restore it from a backup; deleting it "
            "detaches everyone from their stored data."
        )
    return secret


def _create(path: Path) -> str:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    secret = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile
        return _read(path)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secret + "\n")
    log.warning(
        "PSEUDONYM_SECRET is not set: generated a pseudonym key in %s. Keep that file (back it up): "
        "without it nobody's stored data can be found again.",
        path,
    )
    return secret
