"""Pseudonymous ids on Telegram: the same keyed hash everywhere (Rasa sender id == users.pseudonym)."""

from bot.storage.pseudonym import pseudonym

__all__ = ["pseudonym"]
