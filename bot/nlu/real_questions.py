"""The real-question set (tests/real/<lang>.tsv): questions real people wrote, and how well we answer them.

Each file has the columns topic, question, source_url; nobody on the team wrote its questions, and
none is ever used for training (tests/test_real_questions.py checks for near-duplicates). A question
counts as understood when the assistant answers its topic; as helped when it answers it or offers it
among the "did you mean" suggestions; and it must be answered in the question's language.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.yamlfile import DataError, Problem

HEADER = ["topic", "question", "source_url"]


@dataclass(frozen=True)
class RealQuestion:
    """One row of a real-question file."""

    lang: str
    topic: str
    question: str
    source_url: str
    line: int


@dataclass
class RealScore:
    """How the assistant did on one language's real questions."""

    lang: str
    total: int = 0
    answered: int = 0  # the answer's topic is the expected one
    helped: int = 0  # answered, or the expected topic among the suggestions
    right_language: int = 0  # replied in the question's language
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # question, expected, what we did

    @property
    def accuracy(self) -> float:
        """Share of questions answered with the right topic."""
        return self.answered / self.total if self.total else 0.0

    @property
    def helped_share(self) -> float:
        """Share answered or suggested."""
        return self.helped / self.total if self.total else 0.0

    @property
    def language_share(self) -> float:
        """Share replied to in the question's language."""
        return self.right_language / self.total if self.total else 0.0


def read_real_set(path: Path, known_topics: Iterable[str]) -> list[RealQuestion]:
    """The rows of one file; DataError names the line of anything malformed."""
    known = set(known_topics)
    lang = path.stem
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != HEADER:
        raise DataError(
            [
                Problem(
                    str(path),
                    "header",
                    "The first line must be: topic, question, source_url.",
                    "Separate the three column names with tabs.",
                    1,
                )
            ]
        )
    rows, problems = [], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != 3 or not all(c.strip() for c in cells):
            problems.append(
                Problem(
                    str(path),
                    f"line {number}",
                    "A row needs a topic, a question and a source URL.",
                    "Write the three cells separated by tabs, none empty.",
                    number,
                )
            )
            continue
        topic, question, url = (c.strip() for c in cells)
        if topic not in known:
            problems.append(
                Problem(
                    str(path),
                    f"line {number}",
                    f"{topic!r} is not a topic id or intent.",
                    "Use an id from content/topics.yml.",
                    number,
                )
            )
        elif not url.startswith(("http://", "https://")):
            problems.append(
                Problem(
                    str(path),
                    f"line {number}",
                    "The source must be the page's address.",
                    "Write the http(s) URL the question was copied from.",
                    number,
                )
            )
        else:
            rows.append(RealQuestion(lang, topic, question, url, number))
    if problems:
        raise DataError(problems)
    return rows


def read_all(real_dir: Path, known_topics: Iterable[str]) -> dict[str, list[RealQuestion]]:
    """Every language's rows, by language code (the file name)."""
    topics = list(known_topics)
    return {p.stem: read_real_set(p, topics) for p in sorted(real_dir.glob("*.tsv"))}


async def score(assistant: Any, questions: list[RealQuestion]) -> RealScore:
    """Ask each question in a new conversation, as a person writing for the first time would."""
    result = RealScore(questions[0].lang if questions else "")
    for q in questions:
        turn = await assistant.handle(f"real-{uuid.uuid4().hex}", q.question)
        result.total += 1
        answered = turn.topic == q.topic
        result.answered += answered
        result.helped += answered or q.topic in turn.suggestions
        result.right_language += turn.language == q.lang
        if not answered:
            did = f"suggested {turn.suggestions}" if turn.suggestions else turn.topic
            result.misses.append((q.question, q.topic, did))
    return result


def table(scores: list[RealScore]) -> str:
    """Per language and overall: questions, topic accuracy, answered-or-suggested, right language."""
    lines = ["language  questions  accuracy  answered_or_suggested  right_language"]
    for s in [*scores, _overall(scores)]:
        lines.append(f"{s.lang:<9} {s.total:>9} {s.accuracy:>9.3f} {s.helped_share:>22.3f} {s.language_share:>15.3f}")
    return "\n".join(lines)


def _overall(scores: list[RealScore]) -> RealScore:
    total = RealScore("all")
    for s in scores:
        total.total += s.total
        total.answered += s.answered
        total.helped += s.helped
        total.right_language += s.right_language
    return total
