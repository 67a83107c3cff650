"""content/leaflet.yml: which answers the printed leaflet of each region carries, and its words per language.

Read by ``content export`` (bot.editorial.leaflet) and checked by ``content
check``; each problem names the line and says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content.model import GLOBAL, SOURCE_LANGUAGE, Content
from bot.content.strings import placeholders
from bot.content.yamlfile import DataError, Problem, YamlDoc, read_yaml

LEAFLET_FILE = "leaflet.yml"
LABELS: dict[str, set[str]] = {  # label id → the {placeholders} it must have
    "title": {"region"},
    "hotlines": set(),
    "emergency": {"number"},
    "no_hotlines": set(),
    "telegram": set(),
    "printed": {"date"},
}


@dataclass(frozen=True)
class LeafletSpec:
    """The answers per region pack and the leaflet's labels per language."""

    topics: dict[str, tuple[str, ...]]
    labels: dict[str, dict[str, str]]

    def topics_for(self, region: str) -> tuple[str, ...]:
        """The region's list, else the general (global) one."""
        return self.topics.get(region) or self.topics.get(GLOBAL, ())

    def label(self, lang: str, label_id: str, **values: object) -> str:
        """A label in lang (English if missing there), with its placeholders filled."""
        template = self.labels.get(lang, {}).get(label_id) or self.labels.get(SOURCE_LANGUAGE, {}).get(label_id, "")
        return template.format(**values)


def _topic_problems(
    doc: YamlDoc, shown: str, content: Content, raw: object
) -> tuple[dict[str, tuple[str, ...]], list[Problem]]:
    problems: list[Problem] = []
    topics: dict[str, tuple[str, ...]] = {}
    if not isinstance(raw, dict):
        return {}, [
            Problem(
                shown,
                "topics",
                "No 'topics:' list per region found.",
                "Write topics: with one line per region, e.g. th: [work.rights, health.access].",
                doc.line("topics"),
            )
        ]
    for region, ids in raw.items():
        if region not in content.regions:
            problems.append(
                Problem(
                    shown,
                    f"topics.{region}",
                    f"{region!r} is not a region pack.",
                    f"Use one of: {', '.join(sorted(content.regions))}.",
                    doc.line("topics", region),
                )
            )
            continue
        if not isinstance(ids, list) or not all(isinstance(t, str) for t in ids):
            problems.append(
                Problem(
                    shown,
                    f"topics.{region}",
                    "The topics must be a list of topic ids.",
                    f"Write {region}: [work.rights, health.access].",
                    doc.line("topics", region),
                )
            )
            continue
        for i, topic_id in enumerate(ids):
            if topic_id not in content.topic_ids:
                problems.append(
                    Problem(
                        shown,
                        f"topics.{region}.{i}",
                        f"{topic_id!r} is not a topic id.",
                        "Use ids from content/topics.yml.",
                        doc.line("topics", region, i),
                    )
                )
        topics[region] = tuple(t for t in ids if t in content.topic_ids)
    return topics, problems


def _label_problems(
    doc: YamlDoc, shown: str, content: Content, raw: object
) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    if not isinstance(raw, dict):
        return {}, [
            Problem(
                shown,
                "labels",
                "No 'labels:' per language found.",
                "Write labels: with one block per language (see the English one).",
                doc.line("labels"),
            )
        ]
    problems: list[Problem] = []
    labels: dict[str, dict[str, str]] = {}
    for lang in content.language_codes:
        block = raw.get(lang)
        if not isinstance(block, dict):
            problems.append(
                Problem(
                    shown,
                    f"labels.{lang}",
                    f"The {lang} labels are missing.",
                    f"Copy the en block, rename it {lang}: and translate it.",
                    doc.line("labels"),
                )
            )
            continue
        labels[lang] = {k: v for k, v in block.items() if isinstance(v, str)}
        for label_id, needed in LABELS.items():
            text = labels[lang].get(label_id)
            where = doc.line("labels", lang, label_id)
            if not text:
                problems.append(
                    Problem(
                        shown,
                        f"labels.{lang}.{label_id}",
                        f"The {lang} label {label_id!r} is missing.",
                        f"Add {label_id}: with the {lang} text (see the en block).",
                        where,
                    )
                )
            elif placeholders(text) != needed:
                names = ", ".join("{" + n + "}" for n in sorted(needed)) or "none"
                problems.append(
                    Problem(
                        shown,
                        f"labels.{lang}.{label_id}",
                        f"The {lang} label {label_id!r} has the wrong {{names}}.",
                        f"Keep exactly these, unchanged: {names}.",
                        where,
                    )
                )
    return labels, problems


def load_spec(content_dir: Path, content: Content) -> tuple[LeafletSpec, list[Problem]]:
    """Read content/leaflet.yml; return what is usable and every problem (errors)."""
    path = content_dir / LEAFLET_FILE
    shown = str(path.relative_to(content_dir.parent)) if content_dir.parent in path.parents else str(path)
    if not path.is_file():
        return LeafletSpec({}, {}), [
            Problem(
                shown, "", "The leaflet file is missing.", "Create it with topics: and labels: (see docs/editors.md)."
            )
        ]
    try:
        doc = read_yaml(path, shown)
    except DataError as exc:
        return LeafletSpec({}, {}), list(exc.problems)
    data = doc.data if isinstance(doc.data, dict) else {}
    topics, problems = _topic_problems(doc, shown, content, data.get("topics"))
    labels, more = _label_problems(doc, shown, content, data.get("labels"))
    return LeafletSpec(topics, labels), problems + more
