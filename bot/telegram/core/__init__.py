"""Telegram core: what every Telegram feature uses; imports the engine, never the features.

- `services.py`: the `Services` in bot_data, the chat's memory, and the typed handler context;
- `callback_data.py`: every callback_data prefix and the payload codec (Telegram's 64-byte limit);
- `render.py`: the one send path (escaped HTML, split under 4096, inline keyboards);
- `chat_store.py`: language and chat per person in the database; `flood_policy.py`; `redis_state.py`;
- `pacing.py` (1 message a second per chat), `update_order.py` (each chat in order), `webhook.py`, `commands.py`.
"""
