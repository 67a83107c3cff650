"""The action server's endpoint with one kept-alive HTTP session, instead of Rasa's session per call.

Rasa 3.6's `EndpointConfig.request` opens an aiohttp session, and so a new TCP connection, for every
action call and closes it after (about 5% of the event loop at 10 msg/s, docs/performance.md). This
endpoint lends every call the same session of the running event loop, whose connections stay open
between calls. A connection the action server closed (it was restarted) is dropped by aiohttp's pool.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

import aiohttp
from rasa.utils.endpoints import EndpointConfig


class _Lent:
    """`async with` over a session that stays open afterwards."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None


class KeepAliveEndpoint(EndpointConfig):
    """EndpointConfig whose requests share one session per event loop (close() at the end)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def session(self) -> Any:
        """The running loop's session, lent: `async with` does not close it."""
        loop = asyncio.get_running_loop()
        if self._kept is None or self._kept.closed or self._loop is not loop:
            self._kept, self._loop = super().session(), loop
        return _Lent(self._kept)

    async def close(self) -> None:
        """Close the kept session and its connections."""
        if self._kept is not None and not self._kept.closed and self._loop is asyncio.get_running_loop():
            await self._kept.close()
        self._kept = None
