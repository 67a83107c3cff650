"""The content that is not an answer: UI strings, the topic menu and the urgent signals."""

from __future__ import annotations

import re
import string

from bot.content.checker import Checker
from bot.content.model import SOURCE_LANGUAGE, MenuCategory
from bot.content.urgent import URGENT_FILE, parse_urgent
from bot.content.yamlfile import Problem, YamlDoc


def load_ui(ck: Checker, langs: list[str]) -> dict[str, dict[str, str]]:
    """content/ui/<lang>.yml: every English string in every language, with the same placeholders."""
    ui: dict[str, dict[str, str]] = {}
    docs: dict[str, YamlDoc] = {}
    for lang in langs:
        path = ck.dir / "ui" / f"{lang}.yml"
        if not path.exists():
            ck.problems.append(
                Problem(
                    ck.rel(path),
                    "",
                    f"UI strings for {lang} are missing.",
                    "Copy content/ui/en.yml to this name and translate it.",
                )
            )
            continue
        doc = ck.read(path)
        if doc is None:
            continue
        if not isinstance(doc.data, dict) or not all(isinstance(v, str) for v in doc.data.values()):
            ck.add(doc, (), "UI strings must be 'id: text' lines.", "Compare with content/ui/en.yml.")
            continue
        docs[lang], ui[lang] = doc, dict(doc.data)
    reference = ui.get(SOURCE_LANGUAGE, {})
    for lang, strings in ui.items():
        for sid, text in reference.items():
            if sid not in strings:
                ck.add(docs[lang], (), f"String {sid!r} is missing.", f"Add {sid}: with the {lang} text (see en.yml).")
            elif placeholders(strings[sid]) != placeholders(text):
                ck.add(
                    docs[lang],
                    (sid,),
                    f"String {sid!r} has placeholders {sorted(placeholders(strings[sid]))}, "
                    f"English has {sorted(placeholders(text))}.",
                    "Keep the {names} exactly as in en.yml.",
                )
    return ui


def placeholders(text: str) -> set[str]:
    """The {names} in a string ("<unbalanced braces>" if its braces do not pair)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}


def load_menu(ck: Checker, topic_ids: list[str]) -> list[MenuCategory]:
    """content/menu.yml: the categories and their topics."""
    doc = ck.read(ck.dir / "menu.yml")
    if doc is None:
        return []
    cats = []
    for i, c in enumerate((doc.data or {}).get("categories") or []):
        if not isinstance(c, dict) or not isinstance(c.get("id"), str):
            ck.add(doc, ("categories", i), "A category needs an id and topics.", "See content/menu.yml.")
            continue
        if not re.fullmatch(r"[a-z][a-z0-9_]*", c["id"]):
            ck.add(
                doc,
                ("categories", i, "id"),
                f"{c['id']!r} is not a usable category id.",
                "Use lower-case letters, digits and _ only, e.g. papers or daily_life.",
            )
        for j, t in enumerate(c.get("topics") or []):
            if t not in topic_ids:
                ck.add(
                    doc, ("categories", i, "topics", j), f"{t!r} is not a topic id.", "Use ids from content/topics.yml."
                )
        cats.append(MenuCategory(c["id"], tuple(c.get("topics") or [])))
    return cats


def load_urgent(ck: Checker, topic_ids: list[str], langs: list[str]) -> dict[str, dict[str, tuple[str, ...]]]:
    """The urgent signals (content/urgent.yml, optional; bot/content/urgent.py)."""
    path = ck.dir / URGENT_FILE
    doc = ck.read(path) if path.exists() else None
    if doc is None:
        return {}
    return parse_urgent(
        doc.data, topic_ids, langs, lambda keys, message, fix, severity: ck.add(doc, keys, message, fix, severity)
    )
