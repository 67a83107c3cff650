"""The languages the assistant speaks, read from content/languages.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.yamlfile import DataError, Problem, read_yaml


@dataclass(frozen=True)
class Language:
    """One supported language."""

    code: str
    name: str
    direction: str
    script: str


def load_languages(content_dir: Path) -> list[Language]:
    """Read languages.yml; raise DataError naming the line when it is wrong."""
    path = content_dir / "languages.yml"
    doc = read_yaml(path)
    entries = (doc.data or {}).get("languages") if isinstance(doc.data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DataError(
            [
                Problem(
                    str(path),
                    "languages",
                    "No language list found.",
                    "Add 'languages:' with one line per language.",
                    doc.line(),
                )
            ]
        )
    problems: list[Problem] = []
    result: list[Language] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) and entry.get(k) for k in ("code", "name", "script")
        ):
            problems.append(
                Problem(
                    str(path),
                    f"languages[{i}]",
                    "A language needs code, name and script.",
                    "Write it like {code: en, name: English, direction: ltr, script: Latin}.",
                    doc.line("languages", i),
                )
            )
            continue
        direction = entry.get("direction", "ltr")
        if direction not in ("ltr", "rtl"):
            problems.append(
                Problem(
                    str(path),
                    f"languages[{i}].direction",
                    f"Unknown direction {direction!r}.",
                    "Use ltr or rtl.",
                    doc.line("languages", i),
                )
            )
        result.append(Language(entry["code"], entry["name"], direction, entry["script"]))
    codes = [lang.code for lang in result]
    if len(set(codes)) != len(codes):
        problems.append(
            Problem(
                str(path),
                "languages",
                "A language code appears twice.",
                "Keep one line per language.",
                doc.line("languages"),
            )
        )
    if problems:
        raise DataError(problems)
    return result
