"""The process environment, for the code that passes it on (child processes) or sets a variable for Rasa."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping

ACTION_SERVER_PARENT = "ACTION_SERVER_PARENT"  # the pid of the process that started a child server of ours


def environment() -> Mapping[str, str]:
    """The environment of this process (read-only view)."""
    return os.environ


@contextlib.contextmanager
def temporary_env(name: str, value: str) -> Iterator[None]:
    """Set one variable while the block runs (Rasa reads LOG_LEVEL itself), then restore it."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def has_parent() -> bool:
    """Whether a process of ours started this one as its child (ACTION_SERVER_PARENT is set)."""
    return ACTION_SERVER_PARENT in os.environ


def started_by(pid: int) -> bool:
    """Whether the process that set ACTION_SERVER_PARENT is pid (True when it is not set)."""
    return os.environ.get(ACTION_SERVER_PARENT, str(pid)) == str(pid)
