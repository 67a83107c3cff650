"""What keeps people unidentifiable (engine layer).

- `scrub.py`: phone, document and e-mail numbers and introductions cut from stored questions;
- `log_filter.py`: the same on every log line and traceback;
- `pseudonym.py`: keyed hashes instead of Telegram ids; `pseudonym_key.py`: the key, generated in var/.
"""
