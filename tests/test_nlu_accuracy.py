"""Held-out NLU accuracy per language: printed as a table, at least 0.85 for every language."""

from __future__ import annotations

import pytest

from bot.nlu.held_out import evaluate, table
from bot.settings import REPO

THRESHOLD = 0.85
pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_held_out_accuracy_per_language(assistant, capsys):
    langs = assistant.store.current().language_codes
    scores = await evaluate(assistant.client._agent, REPO / "tests" / "nlu", langs)
    with capsys.disabled():
        print("\n" + table(scores))
    low = {s.lang: round(s.accuracy, 3) for s in scores if s.accuracy < THRESHOLD}
    assert not low, f"accuracy under {THRESHOLD}: {low}; errors: {[s.errors[:5] for s in scores if s.lang in low]}"
