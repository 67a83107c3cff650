"""Sparse features: TF-IDF of character n-grams and of words, over the normalised tokens.

Rasa's CountVectorsFeaturizer gives raw counts; on real people's questions, which are longer and
wordier than training examples, sublinear, length-normalised TF-IDF is much better (docs/nlu-model.md).
Character n-grams within word boundaries also cover Thai, Lao, Khmer and Burmese, written without
spaces between words. `min_df` drops n-grams seen in fewer examples, which keeps the model small.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

ANALYZERS = ("char_wb", "word")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class TfidfFeaturizer(SparseFeaturizer, GraphComponent):
    """TF-IDF sentence features of the text's tokens (character n-grams or words)."""

    @classmethod
    def required_components(cls) -> list[type]:
        """A tokenizer first (bot.nlu.tokenizer.NormalizingTokenizer)."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """analyzer: char_wb or word; n-gram range; min_df: in how many examples an n-gram must occur."""
        return {
            **SparseFeaturizer.get_default_config(),
            "analyzer": "char_wb",
            "min_ngram": 2,
            "max_ngram": 5,
            "min_df": 2,
        }

    def __init__(
        self,
        config: dict[str, Any],
        name: str,
        model_storage: ModelStorage,
        resource: Resource,
        vectorizer: TfidfVectorizer | None = None,
    ) -> None:
        super().__init__(name, config)
        self._storage = model_storage
        self._resource = resource
        self._vectorizer = vectorizer
        self._rows: TfidfRows | None = None  # the fitted vectorizer's fast transform, made on first use

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Analyzer known, 1 <= min_ngram <= max_ngram, min_df >= 1."""
        if config.get("analyzer") not in ANALYZERS:
            raise InvalidConfigException(f"TfidfFeaturizer: analyzer must be one of {ANALYZERS}.")
        if not 1 <= int(config["min_ngram"]) <= int(config["max_ngram"]) or int(config["min_df"]) < 1:
            raise InvalidConfigException("TfidfFeaturizer: need 1 <= min_ngram <= max_ngram and min_df >= 1.")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfFeaturizer:
        """A new, untrained featurizer."""
        return cls({**cls.get_default_config(), **config}, execution_context.node_name, model_storage, resource)

    def _new_vectorizer(self) -> TfidfVectorizer:
        word = self._config["analyzer"] == "word"
        return TfidfVectorizer(
            analyzer=self._config["analyzer"],
            lowercase=False,
            sublinear_tf=True,
            dtype=np.float32,
            ngram_range=(1, 1) if word else (int(self._config["min_ngram"]), int(self._config["max_ngram"])),
            min_df=int(self._config["min_df"]),
            token_pattern=r"\S+" if word else None,
        )

    @staticmethod
    def _text(message: Message) -> str:
        return " ".join(t.text for t in message.get(TOKENS_NAMES[TEXT]) or [])

    def train(self, training_data: TrainingData) -> Resource:
        """Learn the vocabulary and IDF weights from the training examples."""
        texts = [self._text(m) for m in training_data.training_examples if m.get(TEXT)]
        self._vectorizer = self._new_vectorizer()
        self._vectorizer.fit(texts)
        self._rows = None
        self.persist()
        return self._resource

    def _add(self, messages: list[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        if not todo or self._vectorizer is None:
            return
        if self._rows is None:
            self._rows = TfidfRows(self._vectorizer)
        for message in todo:
            self.add_features_to_message(None, self._rows.row(self._text(message)), TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Add the features to every training example."""
        self._add(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the features to incoming messages."""
        self._add(messages)
        return messages

    def persist(self) -> None:
        """Save vocabulary and IDF weights as JSON and .npy (no pickle)."""
        assert self._vectorizer is not None
        with self._storage.write_to(self._resource) as directory:
            vocab = sorted(self._vectorizer.vocabulary_, key=self._vectorizer.vocabulary_.__getitem__)
            (directory / "vocabulary.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
            np.save(directory / "idf.npy", self._vectorizer.idf_)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfFeaturizer:
        """Load a trained featurizer (an untrained one if nothing was saved)."""
        featurizer = cls.create(config, model_storage, resource, execution_context)
        try:
            with model_storage.read_from(resource) as directory:
                vocab = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
                idf = np.load(directory / "idf.npy")
        except (ValueError, FileNotFoundError):
            return featurizer
        vectorizer = featurizer._new_vectorizer()
        vectorizer.vocabulary_ = {term: i for i, term in enumerate(vocab)}
        vectorizer.idf_ = idf
        featurizer._vectorizer = vectorizer
        return featurizer


class TfidfRows:
    """What a fitted TfidfVectorizer's transform gives, without its per-call checks.

    scikit-learn re-validates the vectorizer and rebuilds the IDF vector from a sparse diagonal
    matrix on every call: about 0.7 ms of a message's 1.2 ms here. Same analyzer, vocabulary, IDF,
    sublinear TF and L2 norm, in float32 (tests/test_nlu_features.py compares the two).
    """

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self._analyze = vectorizer.build_analyzer()
        self._vocabulary: dict[str, int] = vectorizer.vocabulary_
        self._idf = np.asarray(vectorizer.idf_, dtype=np.float32)

    def row(self, text: str) -> scipy.sparse.coo_matrix:
        """The text's L2-normalised TF-IDF features (float32, sorted columns) as a 1-row matrix, as Rasa keeps them."""
        counts: dict[int, int] = {}
        for gram in self._analyze(text):
            column = self._vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        ordered = sorted(counts)
        columns = np.array(ordered, dtype=np.int32)
        values = np.log(np.array([counts[c] for c in ordered], dtype=np.float32)) + np.float32(1)
        values *= self._idf[columns]
        norm = np.sqrt(np.dot(values, values))
        if norm > 0:
            values /= norm
        rows = np.zeros(len(columns), dtype=np.int32)
        return scipy.sparse.coo_matrix((values, (rows, columns)), shape=(1, len(self._idf)), dtype=np.float32)
