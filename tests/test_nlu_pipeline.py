"""The custom NLU components in a real (small) Rasa training: with the encoder, and with it removed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from bot.settings import REPO

INTENTS = ("health.access", "work.rights", "education.school")


def small_training_file(path: Path) -> Path:
    """The first 25 English examples of three topics."""
    blocks = yaml.safe_load((REPO / "nlu_data" / "en" / "topics.yml").read_text(encoding="utf-8"))["nlu"]
    chosen = []
    for block in blocks:
        if block["intent"] in INTENTS:
            lines = [x for x in block["examples"].splitlines() if x.strip().startswith("- ")][:25]
            chosen.append({"intent": block["intent"], "examples": "\n".join(lines) + "\n"})
    path.write_text(yaml.safe_dump({"version": "3.1", "nlu": chosen}, allow_unicode=True), encoding="utf-8")
    return path


def pipeline_config(path: Path, with_encoder: bool) -> Path:
    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    if not with_encoder:
        config["pipeline"] = [c for c in config["pipeline"] if "SentenceEncoder" not in c["name"]]
    config.pop("policies")
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.mark.parametrize("with_encoder", [True, False], ids=["with-encoder", "encoder-removed"])
def test_pipeline_trains_loads_and_ranks_every_intent(tmp_path, with_encoder):
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    model = train_nlu(
        str(pipeline_config(tmp_path / "config.yml", with_encoder)),
        str(small_training_file(tmp_path / "nlu.yml")),
        str(tmp_path / "models"),
        fixed_model_name="small",
    )
    assert model and Path(model).exists()
    agent = Agent.load(model)
    parsed = asyncio.run(agent.parse_message("my boss has not paid my salary for two months"))
    ranking = parsed["intent_ranking"]
    assert {r["name"] for r in ranking} >= set(INTENTS)
    assert ranking[0]["name"] == "work.rights"
    assert abs(sum(r["confidence"] for r in ranking if r["name"] in INTENTS) - 1.0) < 1e-3
    assert parsed["text"] == "my boss has not paid my salary for two months"  # normalised only for matching
    accented = asyncio.run(agent.parse_message("¿Puedo llevar a mis hijos a la escuela?"))
    assert accented["text"] == "¿Puedo llevar a mis hijos a la escuela?"
