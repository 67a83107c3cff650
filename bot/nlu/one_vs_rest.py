"""A one-vs-rest linear SVM whose classes train on every core, with the same result on any number.

scikit-learn's `LinearSVC` trains its classes one after the other on one core (about 30 s for our
24,500 examples: a tenth of a fresh training). liblinear draws from one process-wide random
generator, so training classes in threads would make the model depend on timing; each class here
is its own binary problem, seeded alike, in a forked worker process: deterministic, whatever the
number of processes. It is the same problem liblinear solves for each class of a multi-class fit
(the class's examples weighted by its class weight, the others by 1), so the weights agree with
`LinearSVC`'s to within its tolerance (docs/performance.md, "training on both cores").
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_class_weight


@dataclass(frozen=True)
class Problem:
    """What every class's binary problem shares (inherited by forked workers, never pickled)."""

    features: scipy.sparse.csr_matrix
    labels: np.ndarray
    classes: np.ndarray
    weights: np.ndarray
    C: float
    max_iter: int


_PROBLEM: Problem | None = None  # set in the parent just before forking


def fit(
    features: scipy.sparse.csr_matrix,
    labels: Sequence[str],
    C: float = 1.0,
    class_weight: str | None = "balanced",
    max_iter: int = 2000,
    processes: int | None = None,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Classes (sorted), weights (classes x features) and intercepts of one SVM per class against the rest."""
    global _PROBLEM
    y = np.asarray(labels)
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(f"The classifier needs examples of at least two intents, not {len(classes)}.")
    weights = compute_class_weight(class_weight, classes=classes, y=y) if class_weight else np.ones(len(classes))
    _PROBLEM = Problem(features, y, classes, weights, C, max_iter)
    try:
        workers = min(processes or len(os.sched_getaffinity(0)), len(classes))
        if workers > 1:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                fitted = pool.map(_fit_class, range(len(classes)), chunksize=1)
        else:
            fitted = [_fit_class(i) for i in range(len(classes))]
    finally:
        _PROBLEM = None
    coef = np.vstack([c for c, _ in fitted]).astype(np.float32)
    intercept = np.array([b for _, b in fitted], dtype=np.float32)
    return [str(c) for c in classes], coef, intercept


def _fit_class(index: int) -> tuple[np.ndarray, float]:
    problem = _PROBLEM
    assert problem is not None, "fit() sets the problem before any worker starts"
    svm = LinearSVC(
        C=problem.C,
        class_weight={False: 1.0, True: float(problem.weights[index])},
        max_iter=problem.max_iter,
        random_state=0,
    )
    svm.fit(problem.features, problem.labels == problem.classes[index])
    return svm.coef_[0], float(svm.intercept_[0])
