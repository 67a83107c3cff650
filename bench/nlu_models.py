"""Compare NLU designs: one multilingual model vs one model per language, and classifiers.

Trains NLU-only models into a temporary folder and prints, per design: held-out
accuracy per language, training time and resident memory after loading.
Run: `.venv/bin/python -m bench.nlu_models` (takes several minutes).
"""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import tempfile
import time
from pathlib import Path

import yaml

from bot.nlu.held_out import evaluate
from bot.settings import REPO

LANGS = ["en", "es", "fr", "ar", "th", "my"]


def _config(classifier: dict[str, object]) -> dict[str, object]:
    base = yaml.safe_load((REPO / "config.yml").read_text())
    pipeline = [c for c in base["pipeline"] if c["name"] not in ("DIETClassifier", "LogisticRegressionClassifier")]
    pipeline.insert(-1, classifier)
    return {"recipe": "default.v1", "language": "xx", "assistant_id": "bench", "pipeline": pipeline}


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _train(config: dict[str, object], nlu_paths: list[str], out: Path, name: str) -> tuple[Path, float]:
    from rasa.model_training import train_nlu

    cfg = out / f"{name}.yml"
    cfg.write_text(yaml.safe_dump(config))
    t0 = time.perf_counter()
    model = train_nlu(str(cfg), nlu_paths, str(out), fixed_model_name=name)
    return Path(model), time.perf_counter() - t0


def _load_and_eval(model: Path, langs: list[str]) -> tuple[dict[str, float], float]:
    from rasa.core.agent import Agent

    gc.collect()
    before = _rss_mb()
    agent = Agent.load(str(model))
    after = _rss_mb()
    scores = asyncio.run(evaluate(agent, REPO / "tests" / "nlu", langs))
    return {s.lang: s.accuracy for s in scores}, after - before


def main() -> None:
    """Train and measure each design; print one table."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from bot.privacy.log_filter import install

    install(30)
    classifiers = {
        "DIET (as config.yml)": next(
            c for c in yaml.safe_load((REPO / "config.yml").read_text())["pipeline"] if c["name"] == "DIETClassifier"
        ),
        "LogisticRegression": {"name": "LogisticRegressionClassifier", "random_state": 1},
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for label, clf in classifiers.items():
            model, seconds = _train(_config(clf), [str(REPO / "nlu_data")], out, "multi")
            acc, mem = _load_and_eval(model, LANGS)
            rows.append((f"one multilingual model, {label}", acc, seconds, mem))
        acc_all: dict[str, float] = {}
        total_s = total_mem = 0.0
        for lang in LANGS:
            model, seconds = _train(
                _config(classifiers["DIET (as config.yml)"]), [str(REPO / "nlu_data" / lang)], out, f"only-{lang}"
            )
            acc, mem = _load_and_eval(model, [lang])
            acc_all.update(acc)
            total_s += seconds
            total_mem += mem
        rows.append(("one model per language, DIET (sum of 6)", acc_all, total_s, total_mem))
    print("design".ljust(44) + "".join(f"{x:>7}" for x in LANGS) + "  train s  load MB")
    for label, acc, seconds, mem in rows:
        print(label.ljust(44) + "".join(f"{acc.get(x, 0):>7.3f}" for x in LANGS) + f"{seconds:>9.0f}{mem:>9.0f}")
    print(f"peak RSS of this run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
