"""Rasa's action-response validation, built once: the same verdicts as Rasa's own."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa import speedups as rasa_speedups

GOOD = {"events": [{"event": "slot", "name": "lang", "value": "en"}], "responses": [{"text": "hi"}]}
BAD = [{"events": "not a list"}, {"responses": "not a list"}, {"events": [{"no": "event key"}]}]


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    rasa_speedups.install()
    rasa_speedups.install()  # twice is harmless
    return RemoteAction("action_answer", None)


def test_a_valid_response_passes(action: RemoteAction):
    assert action._validate_action_result(GOOD) is True


@pytest.mark.parametrize("response", BAD)
def test_an_invalid_response_fails_with_rasas_error(action: RemoteAction, response: dict):
    with pytest.raises(ValidationError) as error:
        action._validate_action_result(response)
    assert "Failed to validate Action server response" in error.value.message


@pytest.mark.parametrize("response", [GOOD, *BAD, {"responses": [{"text": 3}]}, {}])
def test_the_verdict_is_rasas(action: RemoteAction, response: dict):
    import jsonschema

    try:
        jsonschema.validate(response, RemoteAction.action_response_format_spec())
        rasa_accepts = True
    except ValidationError:
        rasa_accepts = False
    try:
        ours_accepts = action._validate_action_result(response)
    except ValidationError:
        ours_accepts = False
    assert ours_accepts == rasa_accepts
