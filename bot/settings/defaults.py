"""Every default of the configuration, defined once (the sections, the actions and the tools import them)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]  # the checkout: content/, models/, var/ are found from here
REGION = "es-barcelona"
LANGUAGE = "en"  # of a person whose language is not known yet, and of the staff chat
RETENTION_DAYS = 90
QUESTION_RETENTION_DAYS = 30  # unanswered questions (a name may slip through the scrubber)
MAX_MESSAGE_CHARS = 1000
TELEGRAM_API = "https://api.telegram.org"
WEBHOOK_LISTEN = "127.0.0.1"
WEBHOOK_PORT = 8443
RASA_TIMEOUT = 10.0
RASA_WORKERS = 0  # Rasa in the bot's own process; N: N Rasa servers as child processes (docs/deploy.md)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
ALERTS_RATE = 25.0  # alert messages a second: under Telegram's 30, so answers to people asking keep a margin
ALERTS_PAID_RATE = 1000.0  # with ALERTS_PAID_BROADCAST (Telegram Stars): Telegram's paid broadcast limit
ALERTS_CLAIM_SECONDS = 120.0  # a claimed alert not sent by then (its sender died) is taken by another sender
ALERTS_POLL_SECONDS = 10.0  # how often an idle sender looks for queued alerts
