"""The one-vs-rest SVM: LinearSVC's weights, the same on one process or several."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from sklearn.svm import LinearSVC

from bot.nlu import one_vs_rest


def problem(seed: int = 0) -> tuple[scipy.sparse.csr_matrix, list[str]]:
    """Four overlapping classes in 60 sparse dimensions (unbalanced, as our topics are)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, 60))
    labels = rng.choice(4, size=400, p=[0.4, 0.3, 0.2, 0.1])
    dense = centres[labels] + rng.normal(scale=1.5, size=(400, 60))
    dense[rng.random(dense.shape) < 0.5] = 0
    return scipy.sparse.csr_matrix(dense), [f"topic.{i}" for i in labels]


def test_the_weights_are_linear_svcs() -> None:
    features, labels = problem()
    classes, coef, intercept = one_vs_rest.fit(features, labels, processes=1)
    svm = LinearSVC(C=1.0, class_weight="balanced", max_iter=2000, random_state=0).fit(features, labels)
    assert classes == list(svm.classes_)
    assert np.allclose(coef, svm.coef_, atol=1e-2) and np.allclose(intercept, svm.intercept_, atol=1e-2)
    ours = np.array(classes)[np.argmax(features @ coef.T + intercept, axis=1)]
    assert (ours == svm.predict(features)).mean() > 0.99


def test_more_processes_give_the_same_model() -> None:
    features, labels = problem(1)
    one = one_vs_rest.fit(features, labels, processes=1)
    two = one_vs_rest.fit(features, labels, processes=2)
    assert one[0] == two[0]
    assert np.array_equal(one[1], two[1]) and np.array_equal(one[2], two[2])


def test_one_intent_is_a_clear_error() -> None:
    features, _ = problem()
    with pytest.raises(ValueError, match="at least two intents"):
        one_vs_rest.fit(features, ["topic.0"] * features.shape[0])
