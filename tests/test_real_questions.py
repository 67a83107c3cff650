"""Real people's questions (tests/real/<lang>.tsv): the set is sound, never trained on, and measured.

The accuracy printed here is the measure of understanding (docs/nlu-model.md); tests/nlu/ only shows
how well the model learned sentences written like its training data.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from bot.content.load import load_content
from bot.content.yamlfile import DataError
from bot.nlu.content_examples import content_examples
from bot.nlu.held_out import read_test_set
from bot.nlu.normalize import normalize
from bot.nlu.real_questions import read_all, score, table
from bot.settings import REPO

REAL = REPO / "tests" / "real"
NEAR_DUPLICATE = 0.8  # character 3-gram Jaccard similarity at which a training example copies a real question
# Rows found so far. The goal is 40 per language; public pages in Thai, Burmese, Khmer and Lao hold few
# questions people wrote themselves (docs/nlu-model.md, "The real-question set"). These floors only
# stop the set from shrinking.
MIN_ROWS = {"en": 40, "es": 40, "fr": 40, "ar": 40, "th": 45, "my": 35, "km": 30, "lo": 20}
# What the assistant reaches today per language, less a margin (one question is 2-5 points in the
# smaller sets): a regression fails the suite. The bars (BARS; 0.92 helped, 0.98 language)
# are printed beside them.
FLOOR = {"en": 0.65, "es": 0.75, "fr": 0.63, "ar": 0.68, "th": 0.65, "my": 0.42, "km": 0.55, "lo": 0.50}
FLOOR_HELPED = 0.80  # answered, or the right topic among the buttons offered (all languages)
FLOOR_LANGUAGE = 0.98  # replied to in the question's language (all languages)
BARS = {"en": 0.85, "es": 0.85, "fr": 0.85, "ar": 0.85, "th": 0.80, "my": 0.80, "km": 0.75, "lo": 0.75}
pytestmark = pytest.mark.asyncio(loop_scope="session")


def known_ids() -> list[str]:
    content = load_content(REPO / "content")
    return [*content.topic_ids, *content.conversation_intents]


def training_examples() -> list[str]:
    """nlu_data/ and the examples made from the content at training time."""
    examples = [text for path in sorted((REPO / "nlu_data").rglob("*.yml")) for text, _ in read_test_set(path)]
    made = content_examples(load_content(REPO / "content"))
    return examples + [text for texts in made.values() for text in texts]


def test_every_language_has_its_real_questions_with_sources():
    sets = read_all(REAL, known_ids())
    assert set(MIN_ROWS) <= set(sets), f"missing files: {set(MIN_ROWS) - set(sets)}"
    for lang, rows in sets.items():
        assert len(rows) >= MIN_ROWS.get(lang, 15), f"{lang}: {len(rows)} rows"
        questions = [normalize(r.question) for r in rows]
        assert len(set(questions)) == len(questions), f"{lang}: a question appears twice"
        assert all(r.source_url.startswith("http") for r in rows)


def test_a_malformed_row_is_named_by_its_line(tmp_path):
    bad = tmp_path / "xx.tsv"
    bad.write_text(
        "topic\tquestion\tsource_url\nhealth.access\tno source\nnot.a.topic\tquestion?\thttps://example.org\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as error:
        read_all(tmp_path, known_ids())
    lines = sorted(p.line for p in error.value.problems)
    assert lines == [2, 3]


def jaccard_3grams(a: list[str], b: list[str]) -> np.ndarray:
    """Character 3-gram Jaccard similarity of every text of a with every text of b."""
    vectorizer = CountVectorizer(analyzer="char", ngram_range=(3, 3), binary=True, lowercase=False)
    vectorizer.fit([*a, *b])
    x, y = vectorizer.transform(a), vectorizer.transform(b)
    shared = (x @ y.T).toarray()
    sizes_a, sizes_b = np.asarray(x.sum(axis=1)), np.asarray(y.sum(axis=1)).T
    return shared / np.maximum(sizes_a + sizes_b - shared, 1)


def test_jaccard_finds_a_copied_question():
    similarity = jaccard_3grams(
        ["how do i register at the town hall?"], ["how do i register at the town hall", "where is the hospital"]
    )
    assert similarity[0, 0] >= NEAR_DUPLICATE > similarity[0, 1]


def test_no_training_example_copies_a_real_question():
    real = [normalize(r.question) for rows in read_all(REAL, known_ids()).values() for r in rows]
    train = [normalize(t) for t in training_examples()]
    similarity = jaccard_3grams(real, train)
    hits = [(real[i], train[j]) for i, j in zip(*np.nonzero(similarity >= NEAR_DUPLICATE), strict=False)]
    assert not hits, f"training examples too close to real questions: {hits[:5]}"


async def test_real_question_accuracy(assistant, capsys):
    sets = read_all(REAL, known_ids())
    scores = [await score(assistant, rows) for rows in sets.values()]
    with capsys.disabled():
        print("\nReal questions (tests/real), answered by the assistant in a new conversation each:")
        print(table(scores))
        print("issue bars: " + ", ".join(f"{k} {v}" for k, v in BARS.items()) + "; answered or suggested 0.92")
    total = sum(s.total for s in scores)
    helped = sum(s.helped for s in scores) / total
    language = sum(s.right_language for s in scores) / total
    below = [(s.lang, round(s.accuracy, 3)) for s in scores if s.accuracy < FLOOR.get(s.lang, 0.5)]
    assert not below, (below, [s.misses[:3] for s in scores if (s.lang, round(s.accuracy, 3)) in below])
    assert helped >= FLOOR_HELPED
    assert language >= FLOOR_LANGUAGE, [(s.lang, s.language_share) for s in scores]
