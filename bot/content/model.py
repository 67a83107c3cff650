"""The curated content as the assistant uses it: topics, regions, UI strings."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.content.languages import Language

GLOBAL = "global"
SOURCE_LANGUAGE = "en"  # content is written in it first; a missing translation or label falls back to it
STATUSES = ("draft", "machine_translation", "reviewed")
SENSITIVITIES = ("auto", "offer_person")
MESSAGE_SOFT_LIMIT = 700
MESSAGE_HARD_LIMIT = 4096
SOURCE_HASH_LENGTH = 12
SENDABLE = ("reviewed", "machine_translation")  # alerts: a draft is never pushed to anyone


def source_hash(messages: Sequence[str]) -> str:
    """The fingerprint of an English answer that a translation records as `source_hash`.

    The first 12 hex characters of the SHA-256 of the messages (as the assistant
    sends them, without surrounding blanks) joined by newlines.
    """
    joined = "\n".join(m.strip() for m in messages)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:SOURCE_HASH_LENGTH]


@dataclass(frozen=True)
class Source:
    """Where a fact comes from, who publishes it, how far to trust it and when it was checked."""

    url: str
    checked: str
    date: str = ""
    kind: str = ""  # official | un | ngo | news | other (bot.content.sources.KINDS)
    publisher: str = ""  # the domain of its publisher in content/sources.yml; "" if not listed
    reports: str = ""  # for a news source: what it reports, worded as reported in the answer (editors' note)


@dataclass(frozen=True)
class Publisher:
    """Who publishes pages under a web domain (and its subdomains), and what kind of body it is."""

    domain: str
    kind: str
    name: dict[str, str]  # language -> name as shown to people


@dataclass(frozen=True)
class Translation:
    """A topic's answer in one language."""

    title: str
    messages: tuple[str, ...]
    status: str
    reviewed: str = ""
    source_hash: str = ""  # source_hash() of the English messages it was translated from; "" if not recorded


@dataclass(frozen=True)
class Topic:
    """One curated answer, in every language, for one region pack."""

    id: str
    region: str
    sensitivity: str
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    translations: dict[str, Translation]
    valid_until: dt.date | None = None
    path: str = ""

    def expired(self, today: dt.date) -> bool:
        """True once the valid_until date has passed."""
        return self.valid_until is not None and today > self.valid_until


@dataclass(frozen=True)
class Alert:
    """One alert (content/alerts/<id>.yml): its regions, its topic, its text per language, when it may be sent."""

    id: str
    regions: tuple[str, ...]
    topic: str
    sources: tuple[Source, ...]
    translations: dict[str, Translation]
    send_after: dt.date | None = None
    valid_until: dt.date | None = None
    path: str = ""

    def sendable(self, lang: str) -> Translation | None:
        """The translation subscribers in lang get: reviewed or machine-translated, never a draft."""
        tr = self.translations.get(lang)
        return tr if tr is not None and tr.status in SENDABLE else None

    def expired(self, today: dt.date) -> bool:
        """True once valid_until has passed: not sent any more."""
        return self.valid_until is not None and today > self.valid_until

    def due(self, today: dt.date) -> bool:
        """True from send_after on (at once without it)."""
        return self.send_after is None or today >= self.send_after

    def as_topic(self) -> Topic:
        """The alert as a topic, for the checks both share (facts consistent across translations)."""
        region = self.regions[0] if self.regions else ""
        return Topic(self.id, region, "auto", (), self.sources, self.translations, self.valid_until, self.path)


@dataclass(frozen=True)
class Hotline:
    """A phone number people can call, with its label per language."""

    number: str
    label: dict[str, str]


@dataclass(frozen=True)
class Region:
    """A region pack's name and help lines."""

    id: str
    name: dict[str, str]
    emergency: str
    hotlines: tuple[Hotline, ...]
    time_zone: str = "UTC"  # IANA name: quiet hours are the region's local time
    quiet_hours: tuple[str, str] = ("21:00", "08:00")  # no alert is delivered from the first to the second
    alert_topics: tuple[str, ...] = ()  # the topics people of the region can subscribe to (/alerts)


@dataclass(frozen=True)
class MenuCategory:
    """A group of topics in the menu."""

    id: str
    topics: tuple[str, ...]


@dataclass
class Content:
    """Everything editors maintain, loaded and checked."""

    languages: list[Language]
    topic_ids: list[str]
    conversation_intents: list[str]
    regions: dict[str, Region]
    topics: dict[str, dict[str, Topic]]  # region -> topic id -> Topic
    ui: dict[str, dict[str, str]]  # language -> string id -> text
    menu: list[MenuCategory]
    fingerprint: str = ""
    warnings: list[str] = field(default_factory=list)
    urgent: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # content/urgent.yml
    publishers: dict[str, Publisher] = field(default_factory=dict)  # content/sources.yml, by domain
    alerts: dict[str, Alert] = field(default_factory=dict)  # content/alerts/<id>.yml, by id

    @property
    def language_codes(self) -> list[str]:
        """The codes of all supported languages, in configured order."""
        return [lang.code for lang in self.languages]

    def topic(self, region: str, topic_id: str) -> Topic | None:
        """The region's answer for a topic, else the global one."""
        return self.topics.get(region, {}).get(topic_id) or self.topics.get(GLOBAL, {}).get(topic_id)

    def region(self, region: str) -> Region:
        """The region pack's hotlines; unknown regions get the global pack."""
        return self.regions.get(region) or self.regions[GLOBAL]

    def text(self, lang: str, string_id: str, **values: object) -> str:
        """A UI string in lang (English if missing), with placeholders filled."""
        template = self.ui.get(lang, {}).get(string_id) or self.ui[SOURCE_LANGUAGE][string_id]
        return template.format(**values) if values else template

    def language_name(self, code: str) -> str:
        """A language's name in its own script."""
        for lang in self.languages:
            if lang.code == code:
                return lang.name
        return code
