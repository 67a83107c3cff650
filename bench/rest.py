"""Rasa's own REST channel under the same load as the Telegram front end (bench.telegram): the baseline.

`python -m rasa run --enable-api` on the same model, its own action server and an SQLite tracker store;
latency = one POST /webhooks/rest/webhook, sent to the moment its answer is read.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from bench.load import Result, _User, _Users, drive, warm_up
from bench.processes import cpu_seconds, rasa_server, status_ok, wait_until

REST_TIMEOUT = 60.0  # seconds for one REST request


async def bench_rest(
    args: argparse.Namespace,
    questions: dict[str, list[str]],
    tmp: Path,
    model: Path,
    plan: Callable[[Callable[[float, float], Awaitable[Result]]], Awaitable[list[Result]]],
) -> list[Result]:
    users = _Users(args.users, sorted(questions), 0.0)
    rng = random.Random(args.seed)
    with rasa_server(model, tmp) as (url, proc, log, pids):
        t0 = time.monotonic()
        await wait_until(lambda: status_ok(url), proc, "rasa run", log)
        print(f"rest: rasa ready after {time.monotonic() - t0:.0f} s", file=sys.stderr)
        timeout = aiohttp.ClientTimeout(total=REST_TIMEOUT)
        connector = aiohttp.TCPConnector(limit=args.users + 10)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            tasks: set[asyncio.Task[None]] = set()
            current: Result | None = None

            async def post(u: _User, text: str, result: Result | None, queued: float) -> None:
                body = {
                    "sender": f"bench-{u.uid}",
                    "message": text,
                    "metadata": {"language": u.lang, "region": "es-barcelona"},
                }
                ok = False
                try:
                    async with session.post(f"{url}/webhooks/rest/webhook", json=body) as resp:
                        resp.raise_for_status()
                        await resp.json()
                    ok = True
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    pass
                at = time.monotonic()
                if not (u.pending and u.pending[0] == queued):
                    return  # already counted as lost by drive()
                u.pending.clear()
                if result is not None:
                    if ok:
                        result.latencies.append(at - queued)
                    else:
                        result.lost += 1

            def send(u: _User, text: str) -> None:
                task = asyncio.get_running_loop().create_task(post(u, text, current, u.pending[0]))
                tasks.add(task)
                task.add_done_callback(tasks.discard)

            async def run(rate: float, seconds: float) -> Result:
                nonlocal current
                current = Result("rasa rest", rate, seconds)
                cpu = cpu_seconds(pids)
                # lost here = still pending after drain; errors are added by post()
                await drive(users, questions, rng, rate, seconds, send, current, args.drain)
                deadline = time.monotonic() + REST_TIMEOUT
                while tasks and time.monotonic() < deadline:  # requests given up on still load Rasa
                    await asyncio.sleep(0.1)
                current.cpu = cpu_seconds(pids) - cpu
                print(
                    f"rest     {rate:5.1f}/s: p50 {current.q(0.5):.3f} s, p95 {current.q(0.95):.3f} s, "
                    f"skipped {current.skipped}, lost {current.lost}",
                    file=sys.stderr,
                )
                return current

            try:
                t0 = time.monotonic()
                await warm_up(users, questions, send, "hello")
                print(f"rest: warmed up in {time.monotonic() - t0:.0f} s", file=sys.stderr)
                return await plan(run)
            finally:
                for task in list(tasks):
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
