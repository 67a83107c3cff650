"""Collects content problems as it reads YAML files: each names the file, the field, its line and the fix."""

from __future__ import annotations

from pathlib import Path

from bot.content.yamlfile import DataError, Problem, YamlDoc, read_yaml


class Checker:
    """The problems found so far in one content folder."""

    def __init__(self, content_dir: Path):
        self.dir = content_dir
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        """The path as shown to editors (from the content folder's parent)."""
        return str(path.relative_to(self.dir.parent)) if path.is_relative_to(self.dir.parent) else str(path)

    def add(self, doc: YamlDoc, keys: tuple[str | int, ...], message: str, fix: str, severity: str = "error") -> None:
        """Record a problem at keys (the field's path) in doc."""
        field = ".".join(str(k) for k in keys)
        self.problems.append(Problem(self.rel(doc.path), field, message, fix, doc.line(*keys), severity))

    def add_path(self, path: Path, message: str, fix: str, severity: str = "error") -> None:
        """Record a problem with a whole file (one that is missing, say)."""
        self.problems.append(Problem(self.rel(path), "", message, fix, None, severity))

    def read(self, path: Path) -> YamlDoc | None:
        """The file's YAML, or None after recording why it cannot be read."""
        try:
            return read_yaml(path, self.rel(path))
        except DataError as exc:
            self.problems.extend(exc.problems)
            return None
