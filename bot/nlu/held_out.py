"""Held-out NLU accuracy per language (tests/nlu/<lang>.yml), with the trained model."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.yamlfile import parse_yaml
from bot.replies import FALLBACK


@dataclass
class LanguageScore:
    """Accuracy of one language's held-out set."""

    lang: str
    total: int
    correct: int
    errors: list[tuple[str, str, str]]  # text, expected, predicted

    @property
    def accuracy(self) -> float:
        """Share of examples whose top intent is the expected one."""
        return self.correct / self.total if self.total else 0.0


def read_test_set(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs of a held-out file."""
    data = parse_yaml(path.read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            if line.strip().startswith("- "):
                pairs.append((line.strip()[2:].strip(), block["intent"]))
    return pairs


async def evaluate(agent: Any, test_dir: Path, langs: list[str]) -> list[LanguageScore]:
    """Parse every held-out example; the top intent (before fallback) must be the expected one."""
    scores = []
    for lang in langs:
        pairs = read_test_set(test_dir / f"{lang}.yml")
        correct, errors = 0, []
        for text, expected in pairs:
            parsed = await agent.parse_message(text)
            ranking = [r["name"] for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
            predicted = ranking[0] if ranking else ""
            if predicted == expected:
                correct += 1
            else:
                errors.append((text, expected, predicted))
        scores.append(LanguageScore(lang, len(pairs), correct, errors))
    return scores


def table(scores: list[LanguageScore]) -> str:
    """A plain-text table: language, examples, correct, accuracy."""
    lines = ["language  examples  correct  accuracy"]
    lines += [f"{s.lang:<9} {s.total:>8} {s.correct:>8} {s.accuracy:>9.3f}" for s in scores]
    return "\n".join(lines)


def main(model: str, langs: list[str]) -> None:
    """Print the table for a model file (used by bench and by hand)."""
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    repo = Path(__file__).resolve().parent.parent
    print(table(asyncio.run(evaluate(agent, repo / "tests" / "nlu", langs))))


if __name__ == "__main__":
    import sys

    main(sys.argv[1], sys.argv[2:] or ["en", "es", "fr", "ar", "th", "my"])
