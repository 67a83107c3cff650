"""Benchmark of the assistant's core: start-up, per-message latency, memory, training time.

Run with `make bench`. Prints a table; record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bot.nlu.held_out import read_test_set
from bot.settings import REPO, Settings


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _real_questions(assistant: object) -> str:
    """The real-question table (tests/real), the measure of understanding."""
    from bot.nlu.real_questions import read_all, score, table

    content = assistant.store.current()  # type: ignore[attr-defined]
    sets = read_all(REPO / "tests" / "real", [*content.topic_ids, *content.conversation_intents])
    return table([await score(assistant, rows) for rows in sets.values()])


async def _nlu_latencies(assistant: object, messages: list[str]) -> list[float]:
    """Seconds per message for NLU alone (tokenizer, features, encoder, classifier)."""
    agent = assistant.client._agent  # type: ignore[attr-defined]
    latencies = []
    for text in messages:
        t0 = time.perf_counter()
        await agent.parse_message(text)
        latencies.append(time.perf_counter() - t0)
    return latencies


async def _serve_bench(messages: list[str]) -> tuple[dict[str, float], str]:
    from bot.rasa.training import model_path
    from bot.wiring import open_assistant

    settings = Settings.from_env()
    started = time.perf_counter()
    async with open_assistant(settings, model_path()) as assistant:
        await assistant.handle("bench-warmup", "hello")
        startup = time.perf_counter() - started
        latencies = []
        for text in messages:
            t0 = time.perf_counter()
            await assistant.handle(f"bench-{uuid.uuid4().hex[:8]}", text)
            latencies.append(time.perf_counter() - t0)
        server = assistant_server_pid(assistant)
        nlu = await _nlu_latencies(assistant, messages)
        real = await _real_questions(assistant)
        return {
            "start-up to first answer (s)": startup,
            "messages": len(latencies),
            "latency p50 (ms)": 1000 * statistics.median(latencies),
            "latency p95 (ms)": 1000 * _percentile(latencies, 0.95),
            "latency max (ms)": 1000 * max(latencies),
            "NLU alone p50 (ms)": 1000 * statistics.median(nlu),
            "NLU alone p95 (ms)": 1000 * _percentile(nlu, 0.95),
            "peak memory, assistant process (MB)": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "peak memory, action server (MB)": _vm_hwm_mb(server) if server else 0.0,
        }, real


def assistant_server_pid(assistant: object) -> int | None:
    """The action server's pid, found among this process's children."""
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().split()
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if int(stat[3]) == os.getpid() and b"bot.rasa.action_server" in cmd:
                return int(pid)
    return None


def _training_time() -> float:
    from rasa.model_training import train

    from bot.rasa.training import training_files

    with tempfile.TemporaryDirectory() as out, training_files() as files:
        t0 = time.perf_counter()
        train(
            domain=str(REPO / "domain.yml"),
            config=str(REPO / "config.yml"),
            training_files=files,
            output=out,
            force_training=True,
        )
        return time.perf_counter() - t0


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-training", action="store_true", help="do not measure training time")
    parser.add_argument("--per-language", type=int, default=50, help="held-out messages per language")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from bot.privacy.log_filter import install

    install(30)
    messages: list[str] = []
    for path in sorted((REPO / "tests" / "nlu").glob("*.yml")):
        messages += [t for t, _ in read_test_set(path)][: args.per_language]
    figures, real = asyncio.run(_serve_bench(messages))
    if not args.skip_training:
        figures["training time, full model (s)"] = _training_time()
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {memory_gib:.0f} GiB, "
        f"Python {platform.python_version()}"
    )
    width = max(len(k) for k in figures)
    print(f"{'measure':<{width}}  value")
    for key, value in figures.items():
        print(f"{key:<{width}}  {value:,.1f}" if isinstance(value, float) else f"{key:<{width}}  {value}")
    print("\nReal people's questions (tests/real), the measure of understanding:")
    print(real)


if __name__ == "__main__":
    main()
