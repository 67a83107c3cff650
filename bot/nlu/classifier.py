"""Intent classifier: a linear support-vector machine over all sentence features, with softmax confidences.

Chosen by measurement on real people's questions (docs/nlu-model.md): as accurate as logistic
regression or better, and several times faster to train on two cores. Confidences are the softmax
of the decision values times `temperature`, so the FallbackClassifier's thresholds keep their meaning
(a sure answer near 1, a toss-up between two topics near 0.5 each).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import one_vs_rest

log = logging.getLogger(__name__)


def sentence_row(message: Message) -> tuple[np.ndarray, np.ndarray, int]:
    """A message's sentence features as one row: non-zero columns, their values (float32), and the width.

    The columns follow the classifier's weights: the sparse blocks in the order the featurizers added
    them, then the dense ones. Read block by block, not through Rasa's combined features, which copy
    every block (~10 s on the 24,500 training examples, ~1.5 ms a message).
    """
    blocks = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    indices, data, offset = [], [], 0
    for block in [f for f in blocks if f.is_sparse()] + [f for f in blocks if f.is_dense()]:
        if block.is_sparse():
            row = block.features.tocoo()
            columns, values = row.col, row.data
        else:
            values = np.asarray(block.features, dtype=np.float32).reshape(-1)
            columns = np.flatnonzero(values)
            values = values[columns]
        indices.append(columns.astype(np.int32) + offset)
        data.append(values.astype(np.float32))
        offset += block.features.shape[-1]
    if not indices:
        return np.zeros(0, np.int32), np.zeros(0, np.float32), 0
    return np.concatenate(indices), np.concatenate(data), offset


def sentence_features(messages: list[Message]) -> scipy.sparse.csr_matrix:
    """One row per message: its sparse and dense sentence features side by side (float32)."""
    rows = [sentence_row(m) for m in messages]
    widths = {width for _, _, width in rows}
    if len(widths) > 1:
        raise ValueError(f"Messages with different numbers of features: {sorted(widths)}.")
    indptr = np.cumsum([0, *(len(columns) for columns, _, _ in rows)])
    return scipy.sparse.csr_matrix(
        (
            np.concatenate([values for _, values, _ in rows]) if rows else np.zeros(0, np.float32),
            np.concatenate([columns for columns, _, _ in rows]) if rows else np.zeros(0, np.int32),
            indptr,
        ),
        shape=(len(messages), widths.pop() if widths else 0),
        dtype=np.float32,
    )


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(IntentClassifier, GraphComponent):
    """Rank every intent for a message (Rasa's intent and intent_ranking outputs)."""

    @classmethod
    def required_components(cls) -> list[type]:
        """At least one featurizer before it."""
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """C: the SVM's regularisation (smaller: smoother); temperature: confidence sharpness.

        processes: how many intents train at once (0: one per core; the model is the same either way).
        """
        return {"C": 1.0, "temperature": 3.0, "class_weight": "balanced", "max_iter": 2000, "processes": 0}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classes: list[str] | None = None,
        coef: np.ndarray | None = None,
        intercept: np.ndarray | None = None,
    ) -> None:
        self._config = config
        self._storage = model_storage
        self._resource = resource
        self.classes = classes or []
        self.coef = coef
        self.intercept = intercept
        self._weights = None if coef is None else np.ascontiguousarray(coef.T)  # features x classes

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        """A new, untrained classifier."""
        config = {**cls.get_default_config(), **config}
        if float(config["C"]) <= 0 or float(config["temperature"]) <= 0:
            raise InvalidConfigException("LinearIntentClassifier: C and temperature must be positive.")
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the SVM on every intent example."""
        examples = [m for m in training_data.intent_examples if m.get(INTENT) and m.get(TEXT)]
        if not examples:
            return self._resource
        self.classes, self.coef, self.intercept = one_vs_rest.fit(
            sentence_features(examples),
            [m.get(INTENT) for m in examples],
            C=float(self._config["C"]),
            class_weight=self._config["class_weight"],
            max_iter=int(self._config["max_iter"]),
            processes=int(self._config["processes"]) or None,
        )
        self._weights = np.ascontiguousarray(self.coef.T)
        self.persist()
        return self._resource

    def message_scores(self, message: Message) -> np.ndarray:
        """One message's decision values: its `sentence_row` times the weights, plus the intercepts."""
        assert self._weights is not None and self.intercept is not None
        columns, values, width = sentence_row(message)
        if width not in (0, self._weights.shape[0]):  # 0: no features at all, as for an empty text
            raise ValueError(f"{width} features for a model trained on {self._weights.shape[0]}: retrain the model.")
        return self.intercept.astype(np.float32) + values @ self._weights[columns]

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent and the full ranking on each message."""
        if self.coef is None or not messages:
            return messages
        scores = np.vstack([self.message_scores(m) for m in messages])
        confidences = softmax(scores * float(self._config["temperature"]))
        for message, row in zip(messages, confidences, strict=False):
            ranking = [{"name": self.classes[i], "confidence": float(row[i])} for i in np.argsort(-row)]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        """Save classes (JSON) and weights (.npy, no pickle)."""
        assert self.coef is not None and self.intercept is not None
        with self._storage.write_to(self._resource) as directory:
            (directory / "classes.json").write_text(json.dumps(self.classes), encoding="utf-8")
            np.save(directory / "coef.npy", self.coef)
            np.save(directory / "intercept.npy", self.intercept)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """Load a trained classifier (an untrained one if nothing was saved)."""
        config = {**cls.get_default_config(), **config}
        try:
            with model_storage.read_from(resource) as directory:
                classes = json.loads((directory / "classes.json").read_text(encoding="utf-8"))
                coef, intercept = np.load(directory / "coef.npy"), np.load(directory / "intercept.npy")
        except (ValueError, FileNotFoundError):
            log.warning("LinearIntentClassifier: no trained weights found; it will not classify.")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, classes, coef, intercept)
