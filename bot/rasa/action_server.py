"""Start and stop the rasa-sdk action server as a child process, and restart it when it dies."""

from __future__ import annotations

import runpy
import sys
from collections.abc import Mapping
from pathlib import Path

from bot.rasa.child import LOOPBACK, ChildServer, die_with_parent, free_port

__all__ = ["ActionServer", "free_port"]


def main() -> None:
    """`python -m bot.rasa.action_server <rasa_sdk arguments>`: rasa-sdk, stopped when its parent dies."""
    die_with_parent()
    from actions.context import content_store

    content_store().current()  # load (and check) the content before /health answers, not on the first action
    runpy.run_module("rasa_sdk", run_name="__main__", alter_sys=True)


class ActionServer(ChildServer):
    """`python -m rasa_sdk --actions actions` on a free local port, for as long as needed."""

    name = "action server"
    health_path = "/health"

    def __init__(
        self, env: Mapping[str, str] | None = None, log_path: Path | None = None, start_timeout: float = 120.0
    ):
        super().__init__(
            {"SANIC_HOST": LOOPBACK, **(env or {})}, log_path, start_timeout
        )  # rasa-sdk's default: 0.0.0.0
        self.url = f"http://{LOOPBACK}:{self.port}/webhook"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bot.rasa.action_server", "--actions", "actions", "--port", str(self.port)]


if __name__ == "__main__":
    main()
