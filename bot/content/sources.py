"""Who publishes the pages an answer cites, how far to trust them, and which sites are never a source.

content/sources.yml lists publishers by web domain (a domain also covers its
subdomains: gencat.cat covers treball.gencat.cat) with their kind and their name
per language, and a deny list of sites that only copy other people's documents
(aggregators, slide and document hosts). An answer shows its most authoritative
source first: official, then un, then ngo, then news, then other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.content.checker import Checker
from bot.content.model import SOURCE_LANGUAGE, Content, Publisher, Source, Topic

SOURCES_FILE = "sources.yml"
KINDS = ("official", "un", "ngo", "news", "other")  # most authoritative first
TRUSTED_KINDS = ("official", "un", "ngo")  # an answer needs at least one source of these


@dataclass(frozen=True)
class Registry:
    """content/sources.yml as loaded: publishers by domain and the denied domains."""

    publishers: dict[str, Publisher] = field(default_factory=dict)
    deny: tuple[str, ...] = ()

    def publisher(self, url: str) -> Publisher | None:
        """The publisher of url: the one with the longest domain that covers the url's host."""
        return _covering(host(url), self.publishers)

    def denied(self, url: str) -> str:
        """The deny-listed domain that covers url's host, or "" if the url is not denied."""
        found = _covering(host(url), {d: d for d in self.deny})
        return found or ""


def host(url: str) -> str:
    """The url's host name, lower case, without www., a port or a final dot ("issuu.com." is issuu.com)."""
    name = (urlsplit(url).hostname or "").lower().rstrip(".")
    return name.removeprefix("www.")


def _covering(name: str, by_domain: Mapping[str, Any]) -> Any:
    matches = [d for d in by_domain if name == d or name.endswith("." + d)]
    return by_domain[max(matches, key=len)] if matches else None


def rank(kind: str) -> int:
    """0 for the most authoritative kind; unknown kinds last."""
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def ranked(sources: Iterable[Source]) -> list[Source]:
    """The sources, most authoritative kind first; the editor's order within a kind."""
    return sorted(sources, key=lambda s: rank(s.kind))


def publisher_name(publishers: Mapping[str, Publisher], source: Source, lang: str) -> str:
    """Who publishes the source, in lang (English, else the host name, when not known)."""
    pub = publishers.get(source.publisher)
    if pub is None:
        return host(source.url)
    return pub.name.get(lang) or pub.name.get(SOURCE_LANGUAGE) or pub.domain


def source_line(content: Content, topic: Topic, lang: str) -> str:
    """The line under an answer: its most authoritative source, by publisher, when checked, and its url.

    "" when the topic has no source. The same line ends an answer on Telegram, in
    `content preview` and on the leaflet.
    """
    if not topic.sources:
        return ""
    src = ranked(topic.sources)[0]
    name = publisher_name(content.publishers, src, lang)
    return content.text(lang, "answer.source", publisher=name, checked=src.checked, url=src.url)


def _domain(value: Any) -> str:
    return str(value).strip().lower().removeprefix("www.") if isinstance(value, str) else ""


def load_registry(ck: Checker, langs: list[str]) -> Registry:
    """content/sources.yml (an empty registry, after recording why, when it is missing or wrong)."""
    path = ck.dir / SOURCES_FILE
    if not path.exists():
        ck.add_path(path, "The list of publishers is missing.", "Add content/sources.yml (see docs/content-format.md).")
        return Registry()
    doc = ck.read(path)
    if doc is None:
        return Registry()
    d = doc.data if isinstance(doc.data, dict) else {}
    deny = []
    for i, entry in enumerate(d.get("deny") or []):
        if not _domain(entry) or "/" in _domain(entry):
            ck.add(doc, ("deny", i), f"{entry!r} is not a domain.", "Write the site's domain, e.g. - yumpu.com")
        else:
            deny.append(_domain(entry))
    publishers: dict[str, Publisher] = {}
    for i, p in enumerate(d.get("publishers") or []):
        pub = _load_publisher(ck, doc, i, p, langs)
        if pub is None:
            continue
        if pub.domain in publishers:
            ck.add(doc, ("publishers", i, "domain"), f"{pub.domain} is listed twice.", "Keep one entry per domain.")
        if pub.domain in deny:
            ck.add(doc, ("publishers", i, "domain"), f"{pub.domain} is also on the deny list.", "Remove one of them.")
        publishers[pub.domain] = pub
    return Registry(publishers, tuple(deny))


def _load_publisher(ck: Checker, doc: Any, i: int, p: Any, langs: list[str]) -> Publisher | None:
    keys: tuple[str | int, ...] = ("publishers", i)
    if not isinstance(p, dict) or not _domain(p.get("domain")):
        ck.add(doc, keys, "A publisher needs a domain, a kind and a name.", "See the first entries of the file.")
        return None
    domain, kind, raw = _domain(p["domain"]), p.get("kind"), p.get("name")
    if kind not in KINDS:
        ck.add(doc, keys + ("kind",), f"Unknown kind {kind!r} for {domain}.", f"Use one of: {', '.join(KINDS)}.")
        return None
    if isinstance(raw, str) and raw.strip():
        return Publisher(domain, kind, {lang: raw.strip() for lang in langs})
    if not isinstance(raw, dict) or not isinstance(raw.get(SOURCE_LANGUAGE), str):
        ck.add(
            doc,
            keys + ("name",),
            f"The publisher {domain} has no name.",
            "Write name: Ajuntament de Barcelona (a proper name), or one name per language: name: {en: ..., es: ...}.",
        )
        return None
    missing = [lang for lang in langs if not isinstance(raw.get(lang), str) or not raw[lang].strip()]
    if missing:  # harmless: the English name is shown meanwhile, so no reason to refuse the content
        ck.add(
            doc,
            keys + ("name",),
            f"The name of {domain} is missing in {', '.join(missing)}: the English name is shown.",
            "Add the name in every language, or write one name for all if it is a proper name.",
            "warning",
        )
    return Publisher(domain, kind, {lang: str(raw.get(lang) or raw[SOURCE_LANGUAGE]).strip() for lang in langs})
