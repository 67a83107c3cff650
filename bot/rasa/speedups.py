"""Rasa 3.6 costs that are ours to avoid, applied when the assistant loads its model in-process.

Rasa's RemoteAction validates every action server response with `jsonschema.validate`, which
first re-checks the (static) response schema itself: ~30 ms of every action call on this machine,
more than the rest of the turn. The same validation with the validator built once takes under
1 ms; an invalid response still fails with Rasa's own error (docs/performance.md).
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    """Validate action server responses with a validator built once (idempotent)."""
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, "_validator_built_once", False):
        return
    spec = RemoteAction.action_response_format_spec()
    validator = validator_for(spec)(spec)
    rasa_validate = RemoteAction._validate_action_result

    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError:
            return bool(rasa_validate(self, result))  # raises Rasa's own error
        return True

    RemoteAction._validate_action_result = validate
    RemoteAction._validator_built_once = True
