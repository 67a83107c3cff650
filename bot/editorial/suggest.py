"""`python -m bot nlu suggest`: turn stored unanswered questions into candidate NLU examples for review.

The questions the Telegram bot kept (bot.storage.feedback, already scrubbed)
are selected by language, nearest topic, day and/or id, and written as a Rasa
NLU file (``version: "3.1"``, one ``- intent:`` block per topic) for an editor
to review and copy into nlu_data/ by hand. It is never written into nlu_data/
or tests/nlu/ itself. Questions already present there (in any language; the
model is one for all) are skipped, as are repeats, and the counts are said.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.storage.feedback import Question

NLU_DIRS = ("nlu_data", "tests/nlu")  # the training data and the held-out test sets


@dataclass(frozen=True)
class Selection:
    """Which stored questions to use; empty fields select everything."""

    lang: str | None = None
    topic: str | None = None  # nearest topic; "" selects the questions that had none
    since: dt.date | None = None
    ids: frozenset[int] = frozenset()

    def __call__(self, q: Question) -> bool:
        """True when q is selected."""
        return (
            (self.lang is None or q.language == self.lang)
            and (self.topic is None or q.nearest_topic == self.topic)
            and (self.since is None or q.day >= self.since)
            and (not self.ids or q.id in self.ids)
        )


@dataclass
class Suggestions:
    """Candidate examples per intent, with what was left out and why."""

    examples: dict[str, list[str]] = field(default_factory=dict)  # intent → texts, in stored order
    ids: dict[str, list[int]] = field(default_factory=dict)  # intent → the question ids they came from
    already_known: int = 0  # in nlu_data/ or tests/nlu/ already
    repeated: int = 0  # the same text twice in the selection
    no_topic: int = 0  # no nearest topic and no --intent
    unknown: dict[str, int] = field(default_factory=dict)  # nearest topic that is not an intent → count

    @property
    def count(self) -> int:
        """How many examples are suggested."""
        return sum(map(len, self.examples.values()))


def normalise(text: str) -> str:
    """The form used to compare questions: case-folded, single spaces, no final punctuation."""
    return re.sub(r"\s+", " ", text).strip().rstrip("?!.؟।။ ").casefold()


def known_examples(repo: Path) -> set[str]:
    """The normalised examples of every NLU file under nlu_data/ and tests/nlu/."""
    found: set[str] = set()
    for folder in NLU_DIRS:
        for path in sorted((repo / folder).rglob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for block in data.get("nlu") or []:
                lines = str(block.get("examples") or "").splitlines() if isinstance(block, dict) else []
                found |= {normalise(line.strip()[2:]) for line in lines if line.strip().startswith("- ")}
    return found


def suggest(
    questions: Iterable[Question], known: set[str], intents: set[str], intent: str | None = None
) -> Suggestions:
    """Group the questions by intent (theirs, or the one the editor assigns), leaving out known and repeated ones."""
    result, seen = Suggestions(), set(known)
    for q in questions:
        target = intent or q.nearest_topic
        if not target:
            result.no_topic += 1
        elif target not in intents:
            result.unknown[target] = result.unknown.get(target, 0) + 1
        elif normalise(q.text) in known:
            result.already_known += 1
        elif normalise(q.text) in seen:
            result.repeated += 1
        else:
            seen.add(normalise(q.text))
            result.examples.setdefault(target, []).append(" ".join(q.text.split()))
            result.ids.setdefault(target, []).append(q.id)
    return result


def render_yaml(s: Suggestions, selection: Selection, today: dt.date) -> str:
    """A Rasa NLU file (version 3.1) of the suggestions, with comments naming the question ids."""
    scope = (
        ", ".join(
            f"{k} {v}"
            for k, v in (("language", selection.lang), ("nearest topic", selection.topic), ("since", selection.since))
            if v is not None
        )
        or "all questions"
    )
    out = [
        f"# Candidate NLU examples from unanswered questions (python -m bot nlu suggest), made on {today}; {scope}.",
        "# Review every line: keep it only if the intent is right and it reads like a real question;",
        "# then copy it into nlu_data/<language>/ (never tests/nlu/) and retrain.",
        'version: "3.1"',
        "nlu:" if s.examples else "nlu: []",
    ]
    for intent, texts in sorted(s.examples.items()):
        out.append(f"# questions {', '.join(map(str, s.ids[intent]))}")
        out += [f"- intent: {intent}", "  examples: |", *(f"    - {t}" for t in texts)]
    return "\n".join(out) + "\n"


def _inside(path: Path, repo: Path) -> str | None:
    target = path.resolve()
    for folder in NLU_DIRS:
        if target.is_relative_to((repo / folder).resolve()):
            return folder
    return None


def suggest_main(
    selection: Selection,
    intent: str | None,
    output: Path | None,
    repo: Path,
    content_dir: Path,
    list_only: bool = False,
    url: str | None = None,
) -> int:
    """Print the selected questions (list_only) or write the review file; return the exit code."""
    from bot.editorial.gaps import open_database
    from bot.storage.db import OUTAGES, outage_reason
    from bot.storage.feedback import questions

    if output is not None and (folder := _inside(output, repo)):
        print(
            f"Not writing into {folder}/: write the review file elsewhere (e.g. nlu_review/), check it, then copy "
            "the good lines by hand.",
            file=sys.stderr,
        )
        return 2
    topics = yaml.safe_load((content_dir / "topics.yml").read_text(encoding="utf-8")) or {}
    intents = set(topics.get("content_topics") or {}) | set(topics.get("conversation_intents") or {})
    if intent is not None and intent not in intents:
        print(f"Unknown intent {intent!r}: use a topic id from {content_dir / 'topics.yml'}.", file=sys.stderr)
        return 2
    db = open_database(url)
    found: list[Question] = []
    if db is not None:
        try:
            found = [q for q in questions(db, selection.since) if selection(q)]
        except OUTAGES as error:
            print(f"The database is unavailable: {outage_reason(error)}", file=sys.stderr)
            return 1
        finally:
            db.close()
    if list_only:
        for q in found:
            print(f"{q.id}\t{q.day}\t{q.language}\t{q.nearest_topic or '(none)'}\t{q.reason}\t{q.text}")
        return 0
    result = suggest(found, known_examples(repo), intents, intent)
    text = render_yaml(result, selection, dt.date.today())
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        print(f"Wrote {output}", file=sys.stderr)
    print(_summary(len(found), result), file=sys.stderr)
    return 0


def _summary(selected: int, r: Suggestions) -> str:
    parts = [
        f"{selected} questions selected, {r.count} suggested",
        f"{r.already_known} skipped: already in nlu_data/ or tests/nlu/",
        f"{r.repeated} skipped: repeated",
    ]
    if r.no_topic:
        parts.append(f"{r.no_topic} skipped: no nearest topic (assign one with --intent)")
    parts += [f"{n} skipped: {t!r} is not an intent (assign one with --intent)" for t, n in sorted(r.unknown.items())]
    return "; ".join(parts) + "."
