"""How well an answer is sourced: the kinds of its sources and its oldest check, for `content report`.

Editors re-check first the answers whose sources were checked longest ago, and
those that no official, UN or established NGO page backs.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from bot.content.model import Topic
from bot.content.sources import KINDS, TRUSTED_KINDS

MAX_AGE_YEARS = 1  # a source checked longer ago than this is flagged


def checked_on(text: str) -> dt.date | None:
    """The day a `checked:` value stands for: the day itself, or the last day of a month ("2026-11")."""
    try:
        if len(text) == 7:
            year, month = int(text[:4]), int(text[5:])
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _years_before(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


@dataclass(frozen=True)
class SourceQuality:
    """One answer's sources at a glance."""

    kinds: tuple[tuple[str, int], ...]  # (kind, how many), most authoritative kind first
    oldest: str  # the oldest `checked:` as written ("" if none can be read)
    oldest_day: dt.date | None  # the day it stands for (a month counts as its last day)
    outdated: bool  # the oldest check is more than MAX_AGE_YEARS before today
    trusted: bool  # at least one official, un or ngo source
    unreported_news: int = 0  # news sources that do not say what they report

    def summary(self) -> str:
        """E.g. "2 official, 1 news; oldest check 2026-11"."""
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.kinds) or "no sources"
        return f"{kinds}; oldest check {self.oldest or 'unknown'}"

    def flags(self) -> list[str]:
        """What needs doing first, in words ([] when nothing)."""
        out = []
        if self.outdated:
            out.append(f"checked more than {MAX_AGE_YEARS} year ago: re-check")
        if not self.trusted:
            out.append("no official, UN or NGO source")
        if self.unreported_news:
            out.append(f"{self.unreported_news} news source(s) not saying what they report")
        return out


def source_quality(topic: Topic, today: dt.date) -> SourceQuality:
    """The kinds of the topic's sources and how old its oldest check is."""
    counts = Counter(s.kind or "other" for s in topic.sources)
    kinds = tuple((k, counts[k]) for k in KINDS if counts[k])
    dated = [(d, s.checked) for s in topic.sources if (d := checked_on(s.checked)) is not None]
    oldest_day, oldest = min(dated) if dated else (None, "")
    outdated = oldest_day is not None and oldest_day < _years_before(today, MAX_AGE_YEARS)
    trusted = any(s.kind in TRUSTED_KINDS for s in topic.sources)
    unreported = sum(1 for s in topic.sources if s.kind == "news" and not s.reports)
    return SourceQuality(kinds, oldest, oldest_day, outdated, trusted, unreported)


def recheck_order(quality: SourceQuality, topic_id: str) -> tuple[dt.date, bool, str]:
    """Sort key: the oldest check first (unreadable dates before all), then answers without a trusted source."""
    return (quality.oldest_day or dt.date.min, quality.trusted, topic_id)
