"""Load and check everything under content/; every problem names file, field and fix."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from bot.content.alerts import alert_region_problems, load_alerts, region_alert_fields
from bot.content.checker import Checker
from bot.content.languages import load_languages
from bot.content.model import (
    GLOBAL,
    Content,
    Hotline,
    Region,
    Topic,
)
from bot.content.sources import load_registry
from bot.content.strings import load_menu, load_ui, load_urgent
from bot.content.topic_file import load_topic
from bot.content.yamlfile import DataError, Problem, YamlDoc, read_yaml

REGION_FILE = "region.yml"
_REGION_ID = re.compile(r"^[a-z]{2,3}(-[a-z0-9]+)*$|^global$")


def content_files(content_dir: Path) -> list[Path]:
    """Every YAML file the content is made of, sorted (for change detection)."""
    return sorted(p for p in content_dir.rglob("*.yml") if p.is_file())


def fingerprint(content_dir: Path) -> str:
    """A hash of the names, sizes and modification times of all content files."""
    h = hashlib.sha256()
    for p in content_files(content_dir):
        st = p.stat()
        h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _load_region(ck: Checker, doc: YamlDoc, region: str, langs: list[str], topic_ids: list[str]) -> Region | None:
    d = doc.data
    if not isinstance(d, dict) or d.get("region") != region:
        ck.add(doc, ("region",), f"region.yml must start with 'region: {region}'.", f"Write region: {region}.")
        return None
    hotlines = []
    for i, h in enumerate(d.get("hotlines") or []):
        if not isinstance(h, dict) or not isinstance(h.get("number"), str) or not isinstance(h.get("label"), dict):
            ck.add(
                doc,
                ("hotlines", i),
                "A hotline needs a number (in quotes) and a label per language.",
                'Write - number: "112" with label: {en: ..., es: ...}.',
            )
            continue
        for lang in langs:
            if not h["label"].get(lang):
                ck.add(
                    doc,
                    ("hotlines", i, "label"),
                    f"The {lang} label of {h['number']} is missing.",
                    f"Add {lang}: ... to the label.",
                )
        hotlines.append(Hotline(h["number"], dict(h["label"])))
    raw_name = d.get("name")
    name: dict[str, str] = dict(raw_name) if isinstance(raw_name, dict) else {}
    emergency = d.get("emergency", "")
    if not isinstance(emergency, str):
        ck.add(doc, ("emergency",), "The emergency number must be text in quotes.", 'Write emergency: "112".')
        emergency = str(emergency)
    return Region(region, name, emergency, tuple(hotlines), **region_alert_fields(ck, doc, d, topic_ids))


def load_content(content_dir: Path, today: dt.date | None = None) -> Content:
    """Load and check all content; raise DataError listing every error found."""
    content, problems = check_content(content_dir, today)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    return content


def check_content(content_dir: Path, today: dt.date | None = None) -> tuple[Content, list[Problem]]:
    """Load and check all content, keeping what is usable; return it with every problem found.

    For editors' tools (`python -m bot content ...`), which report on content
    that has errors. The assistant uses load_content, which refuses it.
    languages.yml and topics.yml are needed to check anything else: a problem
    in them still raises DataError.
    """
    today = today or dt.date.today()
    ck = Checker(content_dir)
    languages = load_languages(content_dir)
    langs = [lang.code for lang in languages]
    topics_doc = read_yaml(content_dir / "topics.yml")
    topic_ids = list((topics_doc.data or {}).get("content_topics") or {})
    conversation = list((topics_doc.data or {}).get("conversation_intents") or {})
    registry = load_registry(ck, langs)
    regions: dict[str, Region] = {}
    topics: dict[str, dict[str, Topic]] = {}
    for region_dir in sorted(p for p in content_dir.iterdir() if p.is_dir() and p.name != "ui"):
        region = region_dir.name
        if not _REGION_ID.match(region):
            continue
        region_doc = ck.read(region_dir / REGION_FILE) if (region_dir / REGION_FILE).exists() else None
        if region_doc is None:
            ck.problems.append(
                Problem(
                    ck.rel(region_dir / REGION_FILE),
                    "",
                    "The region file is missing.",
                    "Add region.yml with region, name, emergency and hotlines.",
                )
            )
        else:
            reg = _load_region(ck, region_doc, region, langs, topic_ids)
            if reg:
                regions[region] = reg
        topics[region] = {}
        for path in sorted(region_dir.glob("*.yml")):
            if path.name == REGION_FILE:
                continue
            doc = ck.read(path)
            topic = load_topic(ck, doc, region, topic_ids, langs, registry) if doc else None
            if topic:
                topics[region][topic.id] = topic
    if GLOBAL not in topics:
        ck.problems.append(
            Problem(
                "content/global",
                "",
                "The global pack is missing.",
                "Create content/global/ with region.yml and one file per topic.",
            )
        )
    else:
        for tid in topic_ids:
            if tid not in topics[GLOBAL]:
                ck.problems.append(
                    Problem(
                        f"content/global/{tid}.yml",
                        "",
                        f"No general answer for {tid}.",
                        "Write the file (see docs/content-format.md).",
                    )
                )
    for by_id in topics.values():
        for topic in by_id.values():
            if topic.expired(today):
                ck.problems.append(
                    Problem(
                        topic.path,
                        "valid_until",
                        f"Expired on {topic.valid_until}; not served.",
                        "Check the facts, update them and move valid_until.",
                        None,
                        "warning",
                    )
                )
    alerts = load_alerts(ck, content_dir, topic_ids, langs, list(regions), registry)
    alert_region_problems(ck, alerts, regions)
    ui = load_ui(ck, langs)
    menu = load_menu(ck, topic_ids)
    urgent = load_urgent(ck, topic_ids, langs)
    content = Content(
        languages,
        topic_ids,
        conversation,
        regions,
        topics,
        ui,
        menu,
        fingerprint(content_dir),
        [str(p) for p in ck.problems],
        urgent,
        registry.publishers,
        alerts,
    )
    return content, ck.problems
