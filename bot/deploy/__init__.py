"""Deployment topologies the bot starts itself: `python -m bot cluster` (docs/deploy.md).

- `nginx.py`: nginx from the distribution as a child process, its configuration written to var/.
- `cluster.py`: Rasa workers, the action server, bot replicas in webhook mode and nginx in front, supervised.
"""
