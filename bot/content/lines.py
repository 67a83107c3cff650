"""Find the line of a field in a content file, for problems found after loading."""

from __future__ import annotations

from pathlib import Path

from bot.content.yamlfile import DataError, YamlDoc, read_yaml


class LineFinder:
    """Line numbers of fields in content files, each file parsed once.

    Paths are as bot.content.load shows them: relative to the folder that holds
    the content folder (``content/global/legal.aid.yml``).
    """

    def __init__(self, content_dir: Path):
        self._base = content_dir.parent
        self._docs: dict[str, YamlDoc | None] = {}

    def __call__(self, path: str, *keys: str | int) -> int | None:
        """Line (1-based) of the field at keys in path, or of its nearest parent; None if unreadable."""
        if path not in self._docs:
            try:
                self._docs[path] = read_yaml(self._base / path)
            except (DataError, OSError):
                self._docs[path] = None
        doc = self._docs[path]
        return doc.line(*keys) if doc is not None else None
