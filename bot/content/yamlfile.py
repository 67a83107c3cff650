"""Read YAML files for editors: errors name the file, the line and the fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it (about ten times faster), else the pure-Python one.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a data file."""

    path: str
    field: str
    message: str
    fix: str
    line: int | None = None
    severity: str = "error"  # "error" stops loading; "warning" is reported only

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        field = f" [{self.field}]" if self.field else ""
        return f"{self.severity.upper()} {where}{field}: {self.message} Fix: {self.fix}"


class DataError(Exception):
    """Raised when data files have errors; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class YamlDoc:
    """A parsed YAML file that remembers on which line each field stands."""

    path: Path
    data: Any
    root: yaml.Node | None

    def line(self, *keys: str | int) -> int | None:
        """Line number (1-based) of the value at keys, or of the nearest parent."""
        node = self.root
        found = node.start_mark.line + 1 if node is not None else None
        for key in keys:
            child = _child(node, key)
            if child is None:
                break
            node = child
            found = node.start_mark.line + 1
        return found


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == str(key):
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None


def parse_yaml(text: str) -> Any:
    """The data of a YAML text (safe loader; libyaml's when available)."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


def _construct(root: yaml.Node | None) -> Any:
    """The data of composed nodes (the same as loading the text again, without parsing it twice)."""
    if root is None:
        return None
    loader = _LOADER("")
    try:
        return loader.construct_document(root)
    finally:
        loader.dispose()


def read_yaml(path: Path, shown_as: str | None = None) -> YamlDoc:
    """Parse a YAML file; a syntax error becomes a DataError with the line."""
    name = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError([Problem(name, "", "The file is not UTF-8 text.", "Save it as UTF-8.")]) from None
    try:
        root = yaml.compose(text, Loader=_LOADER)
        data = _construct(root)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError(
            [
                Problem(
                    name,
                    "",
                    f"This is not valid YAML ({problem}).",
                    "Check indentation and quote texts that contain ': ' or start with a special character.",
                    line,
                )
            ]
        ) from None
    return YamlDoc(path, data, root)
