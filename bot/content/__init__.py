"""The curated content (engine layer): reading, checking and serving `content/`.

- `yamlfile.py`: YAML with line numbers, and `Problem`/`DataError` for editors' messages;
- `languages.py`, `strings.py` (UI strings, menu, urgent signals), `urgent.py` (matching urgent signals);
- `model.py`: the typed `Content`; `checker.py` + `load.py`: read and check a content folder;
- `store.py`: the live content of a running assistant (reloaded when files change, last good kept).
"""
