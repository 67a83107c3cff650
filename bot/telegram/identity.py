"""Pseudonymous conversation ids: a keyed hash of the Telegram user id."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret: str, telegram_user_id: int) -> str:
    """The conversation id for a Telegram user: HMAC-SHA256 of the id under PSEUDONYM_SECRET.

    The same person always gets the same id, and without the secret nobody can
    turn a stored id back into a Telegram account.
    """
    digest = hmac.new(secret.encode("utf-8"), str(telegram_user_id).encode("ascii"), hashlib.sha256)
    return f"tg-{digest.hexdigest()}"
