"""Vague messages, for the tests of what the assistant does when it does not understand.

Which of them the model does not understand shifts a little whenever it is retrained (a changed
answer sentence is a training example): tests take the first that it does not, and fail if none.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

VAGUE = [
    "papers doctor school",
    "i have a question",
    "what about the thing",
    "hmm",
    "the office",
    "xqzv blorp",
    "asdkj qwpoe zxcmn",
    "bla bla",
    # a person unsure what to ask, naming two or three things at once
    "something about papers or maybe work",
    "papers or work or a house",
    "is it about the doctor or the papers",
    "maybe school maybe doctor",
    "work or papers i dont know",
    "question about papers and money and house",
]


async def not_understood(assistant: Any) -> str:
    """The first vague message the current model does not understand (topic nlu_fallback, in English)."""
    for text in VAGUE:
        turn = await assistant.handle(f"test-{uuid.uuid4().hex[:10]}", text, "en")
        if turn.topic == "nlu_fallback":
            return text
    pytest.fail(f"none of the vague messages gets nlu_fallback: {VAGUE}")
