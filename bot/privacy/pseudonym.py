"""Pseudonymous user ids: a keyed hash of the Telegram user id."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret: str, telegram_user_id: int) -> str:
    """The stored id of a Telegram user: HMAC-SHA256 (hex, 64 characters) of the id under a secret.

    The same person always gets the same id, and without the secret nobody can
    turn a stored id back into a Telegram account.

    Raises:
        ValueError: the secret is empty (PSEUDONYM_SECRET is not set).
    """
    if not secret:
        raise ValueError(
            "PSEUDONYM_SECRET is empty: set it to a long random string "
            '(python -c "import secrets; print(secrets.token_hex(32))") and keep it; '
            "changing it detaches everyone from their stored data."
        )
    digest = hmac.new(secret.encode("utf-8"), str(int(telegram_user_id)).encode("ascii"), hashlib.sha256)
    return digest.hexdigest()
