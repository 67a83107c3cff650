"""Start and stop the rasa-sdk action server as a child process, and restart it when it dies."""

from __future__ import annotations

import runpy
import sys
from collections.abc import Mapping
from pathlib import Path

from bot.rasa.child import LOOPBACK, ChildServer, die_with_parent, free_port
from bot.settings import Settings

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

    @classmethod
    def for_settings(cls, settings: Settings) -> ActionServer:
        """The action server of this deployment: its content, region and retention, its log in VAR_DIR."""
        settings.storage.var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        env = {
            "CONTENT_DIR": str(settings.content.dir),
            "REGION": settings.content.region,
            "RETENTION_DAYS": str(settings.storage.retention_days),
            "QUESTION_RETENTION_DAYS": str(settings.storage.question_retention_days),
        }
        return cls(env=env, log_path=settings.storage.var_dir / "action-server.log")

    def command(self) -> list[str]:
        return [sys.executable, "-m", "bot.rasa.action_server", "--actions", "actions", "--port", str(self.port)]


if __name__ == "__main__":
    main()
