"""Custom actions of the assistant, split by concern; run with `python -m rasa_sdk --actions actions`."""
