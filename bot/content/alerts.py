"""Alerts: news editors push to subscribers of a topic in a region (content/alerts/<id>.yml, issue 13).

An alert is written like an answer (title and messages per language, review status, sources
with dates) and belongs to one topic of content/topics.yml and to one or more region packs.
`send_after` and `valid_until` bound when it may be delivered.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from bot.content.checker import Checker
from bot.content.model import SOURCE_LANGUAGE, Alert, Region, Translation
from bot.content.sources import Registry
from bot.content.topic_file import _as_date, _load_translation, load_sources
from bot.content.yamlfile import Problem, YamlDoc

ALERTS_DIR = "alerts"
_ALERT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def _date(ck: Checker, doc: YamlDoc, d: dict[str, Any], key: str) -> dt.date | None:
    if d.get(key) is None:
        return None
    value = _as_date(d[key])
    if value is None:
        ck.add(doc, (key,), f"{key} is not a date.", "Write it as YYYY-MM-DD.")
    return value


def _regions(ck: Checker, doc: YamlDoc, raw: Any, known: list[str]) -> tuple[str, ...]:
    regions = [raw] if isinstance(raw, str) else raw
    if not isinstance(regions, list) or not regions:
        ck.add(doc, ("regions",), "An alert needs the regions it is for.", f"Write regions: [{', '.join(known)}].")
        return ()
    for i, r in enumerate(regions):
        if r not in known:
            ck.add(doc, ("regions", i), f"{r!r} is not a region pack.", f"Use one of: {', '.join(known)}.")
    return tuple(r for r in regions if r in known)


def load_alert(
    ck: Checker,
    doc: YamlDoc,
    topic_ids: list[str],
    langs: list[str],
    regions: list[str],
    registry: Registry | None = None,
) -> Alert | None:
    """The alert of one file (None if it cannot be used); every problem goes to ck.

    registry: content/sources.yml; its sources are checked as an answer's are (publisher, kind, deny list).
    """
    d = doc.data
    if not isinstance(d, dict) or d.get("alert") != doc.path.stem or not _ALERT_ID.match(doc.path.stem):
        ck.add(
            doc,
            ("alert",),
            f"An alert file must start with 'alert: {doc.path.stem}' (its file name: lower case, digits, . _ -).",
            f"Write alert: {doc.path.stem}, or rename the file.",
        )
        return None
    if d.get("topic") not in topic_ids:
        ck.add(doc, ("topic",), f"{d.get('topic')!r} is not a topic id.", "Use an id of content/topics.yml.")
        return None
    alert_regions = _regions(ck, doc, d.get("regions"), regions)
    sources = tuple(load_sources(ck, doc, registry, "alert"))
    send_after, valid_until = _date(ck, doc, d, "send_after"), _date(ck, doc, d, "valid_until")
    if send_after and valid_until and valid_until < send_after:
        ck.add(doc, ("valid_until",), "valid_until is before send_after.", "Correct one of the dates.")
    raw_tr: dict[str, Any] = d["translations"] if isinstance(d.get("translations"), dict) else {}
    translations: dict[str, Translation] = {}
    for lang in langs:
        if lang not in raw_tr:
            ck.add(doc, ("translations",), f"The {lang} translation is missing.", f"Add a '{lang}:' block.")
    for lang, tr in raw_tr.items():
        if lang not in langs:
            ck.add(doc, ("translations", lang), f"{lang!r} is not a language.", "Use a code of languages.yml.")
            continue
        t = _load_translation(ck, doc, lang, tr)
        if t is None:
            continue
        translations[lang] = t
    if SOURCE_LANGUAGE not in translations or not alert_regions:
        return None
    return Alert(
        doc.path.stem, alert_regions, str(d["topic"]), sources, translations, send_after, valid_until, ck.rel(doc.path)
    )


def load_alerts(
    ck: Checker,
    content_dir: Path,
    topic_ids: list[str],
    langs: list[str],
    regions: list[str],
    registry: Registry | None = None,
) -> dict[str, Alert]:
    """Every usable alert under content/alerts/, by id (an empty folder or none: no alerts)."""
    alerts: dict[str, Alert] = {}
    for path in sorted((content_dir / ALERTS_DIR).glob("*.yml")):
        doc = ck.read(path)
        alert = load_alert(ck, doc, topic_ids, langs, regions, registry) if doc else None
        if alert is not None:
            alerts[alert.id] = alert
    return alerts


def alert_region_problems(ck: Checker, alerts: dict[str, Alert], regions: dict[str, Region]) -> None:
    """An error for an alert whose topic is not among the alert_topics of one of its regions (nobody could get it)."""
    for alert in alerts.values():
        for i, r in enumerate(alert.regions):
            if r in regions and alert.topic not in regions[r].alert_topics:
                ck.problems.append(
                    Problem(
                        alert.path,
                        f"regions.{i}",
                        f"{alert.topic} is not in the alert_topics of content/{r}/region.yml: nobody can subscribe.",
                        f"Add {alert.topic} to alert_topics in content/{r}/region.yml, or choose another topic.",
                    )
                )


_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def region_alert_fields(ck: Checker, doc: YamlDoc, d: dict[str, Any], topic_ids: list[str]) -> dict[str, Any]:
    """A region.yml's alert settings (time_zone, quiet_hours, alert_topics) as Region fields, checked."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    fields: dict[str, Any] = {}
    zone = d.get("time_zone", "UTC")
    try:
        ZoneInfo(str(zone))
        fields["time_zone"] = str(zone)
    except (ZoneInfoNotFoundError, ValueError):
        ck.add(doc, ("time_zone",), f"Unknown time zone {zone!r}.", "Write an IANA name such as Europe/Madrid.")
    quiet = d.get("quiet_hours", "21:00-08:00")
    parts = quiet.split("-") if isinstance(quiet, str) else []
    if len(parts) == 2 and all(_CLOCK.match(p.strip()) for p in parts):  # noqa: PLR2004 (from-to)
        fields["quiet_hours"] = (parts[0].strip(), parts[1].strip())
    else:
        ck.add(
            doc, ("quiet_hours",), f"quiet_hours {quiet!r} is not a time range.", 'Write quiet_hours: "21:00-08:00".'
        )
    topics = d.get("alert_topics") or []
    if not isinstance(topics, list):
        ck.add(doc, ("alert_topics",), "alert_topics must be a list.", "Write alert_topics: [work.permit, ...].")
        topics = []
    for i, t in enumerate(topics):
        if t not in topic_ids:
            ck.add(doc, ("alert_topics", i), f"{t!r} is not a topic id.", "Use ids of content/topics.yml.")
    fields["alert_topics"] = tuple(t for t in topics if t in topic_ids)
    return fields


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def quiet_now(region: Region, at: dt.datetime) -> bool:
    """Whether `at` (aware) falls in the region's quiet hours, in its own time zone (start == end: never)."""
    from zoneinfo import ZoneInfo

    local = at.astimezone(ZoneInfo(region.time_zone))
    now, start, end = local.hour * 60 + local.minute, *map(_minutes, region.quiet_hours)
    if start == end:
        return False
    return start <= now < end if start < end else now >= start or now < end
