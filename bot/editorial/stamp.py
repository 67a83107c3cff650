"""`python -m bot content stamp`: record in translations which English text they were made from.

Each selected translation gets ``source_hash:`` (see bot.content.model.source_hash)
placed after its ``status:``/``reviewed:`` line. The files are rewritten with a
YAML round trip (ruamel.yaml) that keeps comments, quotes and folded texts as
they were, so the only change an editor sees is the ``source_hash`` line.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.load import REGION_FILE
from bot.content.model import SOURCE_LANGUAGE, source_hash
from bot.content.yamlfile import DataError, Problem

_AFTER = ("status", "reviewed")  # source_hash goes after the last of these present


@dataclass(frozen=True)
class Stamped:
    """One translation whose source_hash was written or changed."""

    path: Path
    lang: str
    old: str
    new: str


def _yaml() -> Any:
    from ruamel.yaml import YAML  # installed with Rasa; imported only when stamping

    yaml: Any = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap texts
    yaml.indent(mapping=2, sequence=4, offset=2)  # the layout of our content files
    return yaml


def topic_files(content_dir: Path, region: str | None = None) -> list[Path]:
    """The topic files of every region pack (or of one)."""
    packs = [content_dir / region] if region else [p for p in content_dir.iterdir() if p.is_dir() and p.name != "ui"]
    return sorted(f for pack in packs for f in pack.glob("*.yml") if f.name != REGION_FILE)


def _english_hash(translations: Any) -> str | None:
    en: Any = translations.get(SOURCE_LANGUAGE) if hasattr(translations, "get") else None
    messages: Any = en.get("messages") if hasattr(en, "get") else None
    if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages):
        return None
    return source_hash(messages)


def _set_hash(tr: Any, value: str) -> None:
    if "source_hash" in tr:
        tr["source_hash"] = value
        return
    keys = list(tr.keys())
    anchors = [keys.index(k) for k in _AFTER if k in tr]
    tr.insert(max(anchors) + 1 if anchors else len(keys), "source_hash", value)


def _stamp_data(path: Path, data: Any, langs: set[str] | None) -> list[Stamped]:
    """Set source_hash in the loaded file's translations (all, or those in langs); return what changed."""
    translations: Any = data.get("translations") if hasattr(data, "get") else None
    current = _english_hash(translations)
    if current is None:
        return []
    done = []
    for lang, tr in translations.items():
        if lang == SOURCE_LANGUAGE or (langs and lang not in langs) or not hasattr(tr, "insert"):
            continue
        old = str(tr.get("source_hash") or "")
        if old != current:
            _set_hash(tr, current)
            done.append(Stamped(path, str(lang), old, current))
    return done


def stamp(
    content_dir: Path, langs: set[str] | None = None, topic: str | None = None, region: str | None = None
) -> list[Stamped]:
    """Stamp every selected translation in the content; return what changed.

    Every selected file is read before any is written: if one is not valid
    YAML, DataError is raised and nothing changes.
    """
    from ruamel.yaml import YAMLError

    yaml = _yaml()
    loaded, problems = [], []
    for path in topic_files(content_dir, region):
        if topic is not None and path.stem != topic:
            continue
        try:
            loaded.append((path, yaml.load(path.read_text(encoding="utf-8"))))
        except (YAMLError, UnicodeDecodeError):
            problems.append(
                Problem(
                    str(path.relative_to(content_dir.parent)),
                    "",
                    "Not valid YAML (or not UTF-8).",
                    "Fix it first (python -m bot content check shows where), then stamp.",
                )
            )
    if problems:
        raise DataError(problems)
    changed = []
    for path, data in loaded:
        done = _stamp_data(path, data, langs)
        if done:
            out = io.StringIO()
            yaml.dump(data, out)
            path.write_text(out.getvalue(), encoding="utf-8")
            changed += done
    return changed


def stamp_main(content_dir: Path, langs: set[str] | None, topic: str | None, region: str | None) -> int:
    """Stamp and say what changed; return the exit code."""
    from bot.content.languages import load_languages

    known = {x.code for x in load_languages(content_dir)} - {SOURCE_LANGUAGE}
    if langs and not langs <= known:
        print(
            f"Unknown language {', '.join(sorted(langs - known))}: use one of {', '.join(sorted(known))}.",
            file=sys.stderr,
        )
        return 2
    if region and not (content_dir / region).is_dir():
        print(f"No region pack {region!r} in {content_dir}.", file=sys.stderr)
        return 2
    if topic and not any(f.stem == topic for f in topic_files(content_dir, region)):
        print(f"No file for topic {topic!r}" + (f" in {region}." if region else "."), file=sys.stderr)
        return 2
    changed = stamp(content_dir, langs, topic, region)
    base = content_dir.parent
    for s in changed:
        was = f" (was {s.old})" if s.old else ""
        print(f"{s.path.relative_to(base)} [translations.{s.lang}.source_hash]: {s.new}{was}")
    print(f"Stamped {len(changed)} translation{'s' * (len(changed) != 1)}.")
    return 0
