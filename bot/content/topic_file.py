"""One topic file of a region pack: its translations, sources and dates, checked field by field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.content.checker import Checker
from bot.content.model import (
    MESSAGE_HARD_LIMIT,
    MESSAGE_SOFT_LIMIT,
    SENSITIVITIES,
    SOURCE_HASH_LENGTH,
    STATUSES,
    Source,
    Topic,
    Translation,
)
from bot.content.sources import KINDS, TRUSTED_KINDS, Registry
from bot.content.yamlfile import YamlDoc

_SOURCE_HASH = re.compile(rf"[0-9a-f]{{{SOURCE_HASH_LENGTH}}}")


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _date_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value or "")


def _is_month_or_date(value: Any) -> bool:
    return isinstance(value, dt.date) or bool(isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value))


def load_topic(
    ck: Checker, doc: YamlDoc, region: str, topic_ids: list[str], langs: list[str], registry: Registry | None = None
) -> Topic | None:
    """The topic of one file (None if it cannot be read as one); every problem goes to ck.

    registry: content/sources.yml, which gives each source its publisher and kind
    (without it no source is checked against the publishers and the deny list).
    """
    d = doc.data
    if not isinstance(d, dict):
        ck.add(doc, (), "The file is not a topic.", "Start it with 'topic: <topic id>' (see docs/content-format.md).")
        return None
    tid = d.get("topic")
    if tid != doc.path.stem:
        ck.add(
            doc,
            ("topic",),
            f"topic is {tid!r} but the file is named {doc.path.name}.",
            f"Write 'topic: {doc.path.stem}' or rename the file.",
        )
        return None
    if tid not in topic_ids:
        ck.add(
            doc,
            ("topic",),
            f"{tid!r} is not a topic id of content/topics.yml.",
            "Use one of the ids in content/topics.yml, or add the topic there first.",
        )
        return None
    sensitivity = d.get("sensitivity", "auto")
    if sensitivity not in SENSITIVITIES:
        ck.add(doc, ("sensitivity",), f"Unknown sensitivity {sensitivity!r}.", "Use auto or offer_person.")
    related = d.get("related") or []
    if not isinstance(related, list):
        ck.add(doc, ("related",), "related must be a list.", "Write related: [topic.id, other.id].")
        related = []
    for i, r in enumerate(related):
        if r not in topic_ids or r == tid:
            ck.add(doc, ("related", i), f"{r!r} is not another topic id.", "Use ids from content/topics.yml.")
    valid_until = None
    if d.get("valid_until") is not None:
        valid_until = _as_date(d["valid_until"])
        if valid_until is None:
            ck.add(doc, ("valid_until",), "valid_until is not a date.", "Write it as YYYY-MM-DD.")
    sources = load_sources(ck, doc, registry)
    translations: dict[str, Translation] = {}
    raw_tr = d.get("translations")
    if not isinstance(raw_tr, dict):
        ck.add(doc, ("translations",), "No translations found.", "Add translations: with one block per language.")
        raw_tr = {}
    for lang in langs:
        if lang not in raw_tr:
            ck.add(
                doc,
                ("translations",),
                f"The {lang} translation is missing.",
                f"Add a '{lang}:' block under translations (status: draft is fine).",
            )
    for lang, tr in raw_tr.items():
        if lang not in langs:
            ck.add(
                doc,
                ("translations", lang),
                f"{lang!r} is not a language of content/languages.yml.",
                "Fix the language code or add the language there.",
            )
            continue
        t = _load_translation(ck, doc, lang, tr)
        if t:
            translations[lang] = t
    return Topic(tid, region, sensitivity, tuple(related), tuple(sources), translations, valid_until, ck.rel(doc.path))


def load_sources(ck: Checker, doc: YamlDoc, registry: Registry | None, what: str = "answer") -> list[Source]:
    """The sources: of a topic or alert file (what: "answer" or "alert"), each with its publisher and kind.

    The same rules for both: a url and a checked date, no deny-listed site, every site's publisher
    in content/sources.yml, a warning when no source is official, un or ngo, and a warning for each
    source of kind other.
    """
    sources = []
    raw_sources = doc.data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        ck.add(
            doc,
            ("sources",),
            f"Every {what} needs at least one source.",
            'Add sources: with the url and the month you checked it (checked: "2026-11").',
        )
        raw_sources = []
    for i, s in enumerate(raw_sources):
        if not isinstance(s, dict) or not str(s.get("url", "")).startswith(("http://", "https://")):
            ck.add(
                doc,
                ("sources", i),
                "A source needs a url starting with http:// or https://.",
                'Write - url: https://... with checked: "YYYY-MM".',
            )
            continue
        if not _is_month_or_date(s.get("checked")):
            ck.add(
                doc,
                ("sources", i, "checked"),
                "The source has no date when it was checked.",
                'Add checked: "YYYY-MM" (or a full date).',
            )
        if s.get("date") is not None and not _is_month_or_date(s.get("date")):
            ck.add(doc, ("sources", i, "date"), "The page date is not a date.", 'Write YYYY-MM-DD or "YYYY-MM".')
        url = str(s["url"])
        kind, publisher = _kind(ck, doc, i, s, registry)
        reports = str(s.get("reports") or "").strip()
        sources.append(Source(url, _date_text(s.get("checked")), _date_text(s.get("date")), kind, publisher, reports))
        if registry is not None:
            _warn_other(ck, doc, i, sources[-1], what)
            _warn_unreported_news(ck, doc, i, sources[-1], what)
    if registry is not None and sources and not any(src.kind in TRUSTED_KINDS for src in sources):
        ck.add(
            doc,
            ("sources",),
            f"No official, UN or established NGO source: people cannot tell who stands behind this {what}.",
            "Add the page of the body that owns the rule (kind official, un or ngo in content/sources.yml), "
            "or take out what only news or other sites say.",
            "warning",
        )
    return sources


def _warn_other(ck: Checker, doc: YamlDoc, i: int, src: Source, what: str) -> None:
    """A warning for a source of kind other: editors see which answers still lean on such sites."""
    if src.kind == "other":
        ck.add(
            doc,
            ("sources", i),
            f"{src.url} is kind other (a blog, forum, law firm, commercial site or journal): "
            f"people cannot rely on it for this {what}.",
            "Cite the page of the body that owns the fact instead, or take out (in every language) "
            "what only this site says, then remove it (docs/sources.md).",
            "warning",
        )


def _warn_unreported_news(ck: Checker, doc: YamlDoc, i: int, src: Source, what: str) -> None:
    """A warning for a news source that does not say what it reports: news only backs "it was reported"."""
    if src.kind == "news" and not src.reports:
        ck.add(
            doc,
            ("sources", i),
            f"{src.url} is news: it can only back what the {what} says was reported (a delay, a closure), "
            "and this source does not say what it reports.",
            "If an official, UN or NGO source already backs the fact, remove this source. Otherwise word the "
            "fact as reported in every language and add reports: <what it reports> to this source "
            "(docs/sources.md).",
            "warning",
        )


def _kind(ck: Checker, doc: YamlDoc, i: int, s: dict[str, Any], registry: Registry | None) -> tuple[str, str]:
    """The source's kind and its publisher's domain ("" each when unknown), after recording what is wrong."""
    if registry is None:
        return str(s.get("kind") or ""), ""
    url = str(s["url"])
    denied = registry.denied(url)
    if denied:
        ck.add(
            doc,
            ("sources", i, "url"),
            f"{denied} is on the deny list (a site that copies documents of others): it is never a source.",
            "Cite the page of the body that published the document, or take out the fact it supports.",
        )
        return "", ""
    pub = registry.publisher(url)
    kind = s.get("kind")
    if kind is not None and kind not in KINDS:
        ck.add(doc, ("sources", i, "kind"), f"Unknown kind {kind!r}.", f"Use one of: {', '.join(KINDS)}.")
        kind = None
    if pub is None:
        ck.add(
            doc,
            ("sources", i, "url"),
            f"Nobody in content/sources.yml publishes {url}.",
            "Add its domain under publishers: with its kind and its name as people should read it.",
        )
        return str(kind or ""), ""
    return str(kind or pub.kind), pub.domain


def _load_translation(ck: Checker, doc: YamlDoc, lang: str, tr: Any) -> Translation | None:
    keys: tuple[str | int, ...] = ("translations", lang)
    if not isinstance(tr, dict):
        ck.add(doc, keys, "A translation needs title, status and messages.", "See docs/content-format.md.")
        return None
    ok = True
    if not isinstance(tr.get("title"), str) or not tr["title"].strip():
        ck.add(doc, keys + ("title",), "The title is missing.", "Add a short title.")
        ok = False
    status = tr.get("status")
    if status not in STATUSES:
        ck.add(doc, keys + ("status",), f"Unknown status {status!r}.", "Use draft, machine_translation or reviewed.")
        ok = False
    if status == "reviewed" and _as_date(tr.get("reviewed")) is None:
        ck.add(doc, keys + ("reviewed",), "A reviewed translation needs the review date.", "Add reviewed: YYYY-MM-DD.")
    msgs = tr.get("messages")
    if not isinstance(msgs, list) or not msgs or not all(isinstance(m, str) and m.strip() for m in msgs):
        ck.add(
            doc,
            keys + ("messages",),
            "messages must be a list of one or more texts.",
            "Write messages: and then each message as '- text'.",
        )
        return None
    for i, m in enumerate(msgs):
        if len(m) > MESSAGE_HARD_LIMIT:
            ck.add(
                doc,
                keys + ("messages", i),
                f"Message is {len(m)} characters; Telegram allows {MESSAGE_HARD_LIMIT}.",
                "Split it into shorter messages.",
            )
            ok = False
        elif len(m) > MESSAGE_SOFT_LIMIT:
            ck.add(
                doc,
                keys + ("messages", i),
                f"Message is {len(m)} characters (aim for under {MESSAGE_SOFT_LIMIT}).",
                "Shorten it or split it in two.",
                "warning",
            )
    recorded = tr.get("source_hash")
    if recorded is not None and not (isinstance(recorded, str) and _SOURCE_HASH.fullmatch(recorded)):
        ck.add(
            doc,
            keys + ("source_hash",),
            f"source_hash must be {SOURCE_HASH_LENGTH} hexadecimal characters.",
            "Delete the line, or run: python -m bot content stamp (after checking the translation).",
            "warning",
        )
        recorded = None
    if not ok:
        return None
    return Translation(
        tr["title"].strip(), tuple(m.strip() for m in msgs), str(status), _date_text(tr.get("reviewed")), recorded or ""
    )
