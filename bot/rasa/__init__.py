"""Rasa around the assistant (engine layer).

- `client.py`: the assistant's Rasa, in this process (`AgentClient`) or over HTTP (`HttpRasaClient`);
- `speedups.py`: Rasa internals built once; `tracker_store.py`: the SQL tracker store;
- `action_server.py`: the rasa_sdk action server as a child process; `training.py`: train when inputs change.
"""
