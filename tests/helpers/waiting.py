"""Waiting for an effect that happens after the one a test can observe (a database write after a send)."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def until(check: Callable[[], T | Awaitable[T]], timeout: float = 30.0, every: float = 0.05) -> T:
    """Call check (a function or a coroutine function) until it gives something truthy; return that.

    Not a sleep that hides a race: the test states the condition it waits for, and fails
    with the last value seen if it never holds.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s; last value: {value!r}")
        await asyncio.sleep(every)
