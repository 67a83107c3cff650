"""A copy of what training reads (config, domain, rules, NLU data) and the content it checks against."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.rasa.training import TRAINING_INPUTS
from bot.settings import REPO


def copy_training_inputs(target: Path) -> Path:
    """Copy the training inputs and content/ into target; return target."""
    for name in (*TRAINING_INPUTS, "content"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target
