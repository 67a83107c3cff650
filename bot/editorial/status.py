"""The state of every answer in every language, per region: what the report shows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from bot.content.model import GLOBAL, SOURCE_LANGUAGE, Content, Topic
from bot.content.stale import is_stale

# Best first. A cell is missing, else expired, else stale, else its translation's own status.
STATUSES = ("reviewed", "machine_translation", "draft", "stale", "missing", "expired")
STATUS_LABELS = {
    "reviewed": "reviewed",
    "machine_translation": "machine translation",
    "draft": "draft",
    "stale": "stale",
    "missing": "missing",
    "expired": "expired",
}


@dataclass(frozen=True)
class Cell:
    """One topic in one language: its status, title and review date."""

    status: str
    title: str = ""
    reviewed: str = ""


@dataclass(frozen=True)
class Row:
    """One topic of a region: where its answer comes from and its cells by language."""

    topic_id: str
    topic: Topic | None
    cells: dict[str, Cell]

    @property
    def inherited(self) -> bool:
        """True when a regional pack uses the general (global) answer."""
        return self.topic is not None and self.topic.region == GLOBAL


@dataclass
class RegionMatrix:
    """The topic × language matrix of one region pack."""

    region: str
    name: str
    langs: list[str]
    rows: list[Row] = field(default_factory=list)

    def counts(self) -> dict[str, Counter[str]]:
        """How many topics have each status, per language."""
        return {lang: Counter(row.cells[lang].status for row in self.rows) for lang in self.langs}


def cell(topic: Topic | None, lang: str, today: dt.date) -> Cell:
    """The status of a topic's answer in one language."""
    tr = topic.translations.get(lang) if topic else None
    if topic is None or tr is None:
        return Cell("missing")
    if topic.expired(today):
        status = "expired"
    elif is_stale(topic, lang):
        status = "stale"
    else:
        status = tr.status
    return Cell(status, tr.title, tr.reviewed)


def region_matrices(content: Content, today: dt.date) -> list[RegionMatrix]:
    """One matrix per region pack, the global pack first; rows in topics.yml order."""
    regions = sorted(content.topics, key=lambda r: (r != GLOBAL, r))
    langs = content.language_codes
    result = []
    for region in regions:
        reg = content.regions.get(region)
        name = (reg.name.get(SOURCE_LANGUAGE) if reg else None) or region
        matrix = RegionMatrix(region, name, langs)
        for tid in content.topic_ids:
            topic = content.topic(region, tid)
            matrix.rows.append(Row(tid, topic, {lang: cell(topic, lang, today) for lang in langs}))
        result.append(matrix)
    return result
