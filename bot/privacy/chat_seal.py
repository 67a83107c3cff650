"""Telegram chat ids encrypted at rest, with a key that is not in the database.

`telegram_chats` is the one table that maps a pseudonym back to a Telegram chat. Its chat ids are
sealed with Fernet (AES-128-CBC and HMAC-SHA256, from the `cryptography` package Rasa already
installs) under a key derived from the pseudonym key (PSEUDONYM_SECRET or var/pseudonym.key): a copy
of the database alone does not say whom to message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

PURPOSE = b"telegram chat ids at rest"  # the derived key is for this only (the pseudonym key stays for hashing)


class ChatSeal:
    """Seal and open chat ids; an empty secret gives a key of this process only (tests, tools)."""

    def __init__(self, secret: str = "") -> None:
        raw = secret.encode("utf-8") if secret else secrets.token_bytes(32)
        key = hmac.new(raw, PURPOSE, hashlib.sha256).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, chat_id: int) -> str:
        """The chat id, encrypted (a different text each time)."""
        return self._fernet.encrypt(str(chat_id).encode("ascii")).decode("ascii")

    def open(self, sealed: str) -> int | None:
        """The chat id back; None if it was sealed under another key (logged)."""
        try:
            return int(self._fernet.decrypt(sealed.encode("ascii")))
        except (InvalidToken, ValueError):
            log.warning("A stored chat id was sealed with another key (PSEUDONYM_SECRET changed?); ignored")
            return None
