"""Telegram features: the person's chat (`chat.py`), answer feedback (`feedback.py`), flood guard.

They import the Telegram core and the engine; `chat.py` may call the handoff's escalation, never the reverse.
"""
