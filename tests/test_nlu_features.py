"""The fast per-message paths of the sparse featurizer and the classifier give what the library paths give."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.nlu.classifier import LinearIntentClassifier, sentence_features
from bot.nlu.ngrams import TfidfRows
from tests.test_nlu_pipeline import INTENTS, small_training_file

TEXTS = [
    "my boss has not paid my salary for two months",
    "puedo llevar a mis hijos a la escuela",
    "ขอเบอร์โทรสายด่วน",
    "nao tenho papeis posso ir ao medico",
    "",
    "qqqq zzzz",  # nothing in the vocabulary
]


def training_texts(tmp_path) -> list[str]:
    import yaml

    blocks = yaml.safe_load(small_training_file(tmp_path / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    return [line[2:].strip() for b in blocks for line in b["examples"].splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("analyzer", ["char_wb", "word"])
def test_tfidf_rows_equal_the_vectorizers_own_transform(tmp_path, analyzer):
    word = analyzer == "word"
    vectorizer = TfidfVectorizer(
        analyzer=analyzer,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
        ngram_range=(1, 1) if word else (2, 5),
        min_df=1 if word else 2,
        token_pattern=r"\S+" if word else None,
    ).fit([*training_texts(tmp_path), "ขอเบอร์โทร สายด่วน"])
    rows = TfidfRows(vectorizer)
    ours = scipy.sparse.vstack([rows.row(t) for t in TEXTS], format="csr")
    theirs = vectorizer.transform(TEXTS).tocsr()
    assert ours.dtype == np.float32 and ours.shape == theirs.shape
    assert ours.nnz == theirs.nnz > 0
    np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=1e-5, atol=1e-6)
    assert ours[4].nnz == 0  # an empty text gives an empty row


def message_with_features(rng: np.random.Generator, widths: tuple[int, int, int]) -> Message:
    message = Message(data={TEXT: "x"})
    for origin, width in zip(("chars", "words"), widths[:2], strict=True):
        row = scipy.sparse.random(1, width, density=0.05, random_state=rng, dtype=np.float32)
        message.add_features(Features(scipy.sparse.coo_matrix(row), FEATURE_TYPE_SENTENCE, TEXT, origin))
    dense = rng.standard_normal((1, widths[2])).astype(np.float32)
    message.add_features(Features(dense, FEATURE_TYPE_SENTENCE, TEXT, "encoder"))
    return message


def test_message_scores_equal_the_stacked_features_times_the_weights():
    rng = np.random.default_rng(7)
    widths = (300, 120, 16)
    coef = rng.standard_normal((len(INTENTS), sum(widths))).astype(np.float32)
    intercept = rng.standard_normal(len(INTENTS)).astype(np.float32)
    classifier = LinearIntentClassifier({"temperature": 3.0}, None, None, list(INTENTS), coef, intercept)  # type: ignore[arg-type]
    messages = [message_with_features(rng, widths) for _ in range(5)]
    stacked = np.asarray(sentence_features(messages) @ classifier._weights) + intercept
    ours = np.vstack([classifier.message_scores(m) for m in messages])
    np.testing.assert_allclose(ours, stacked, rtol=1e-5, atol=1e-5)
    classifier.process(messages)
    for message, row in zip(messages, stacked, strict=True):
        assert message.get("intent")["name"] == INTENTS[int(np.argmax(row))]


def test_message_scores_refuse_features_of_another_model():
    rng = np.random.default_rng(7)
    coef = np.zeros((len(INTENTS), 100), dtype=np.float32)
    classifier = LinearIntentClassifier({"temperature": 3.0}, None, None, list(INTENTS), coef, np.zeros(3, np.float32))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="retrain"):
        classifier.message_scores(message_with_features(rng, (300, 120, 16)))


def test_sentence_features_equal_rasas_combined_features_side_by_side():
    """The training matrix: Rasa's combined sparse features, then the dense ones, one row per message."""
    rng = np.random.default_rng(3)
    messages = [message_with_features(rng, (300, 120, 16)) for _ in range(6)]
    sparse = scipy.sparse.vstack([m.get_sparse_features(TEXT)[1].features for m in messages])
    dense = np.vstack([m.get_dense_features(TEXT)[1].features for m in messages])
    expected = np.hstack([sparse.toarray(), dense])
    ours = sentence_features(messages)
    assert ours.dtype == np.float32 and ours.shape == expected.shape
    np.testing.assert_array_equal(ours.toarray(), expected)
    with pytest.raises(ValueError, match="different numbers of features"):
        sentence_features([*messages, message_with_features(rng, (300, 121, 16))])
