"""`python -m bot content export`: a printable A4 leaflet of a region's key answers in one language.

The answers are those listed for the region in content/leaflet.yml (its own
answer, else the general one; expired ones are left out), followed by the
region's numbers to call from its region.yml and, when BOT_USERNAME is set, a
QR code to https://t.me/<BOT_USERNAME> drawn offline as inline SVG (segno). The
HTML page is self-contained (inline CSS, no fonts or images to fetch); the PDF
is that page printed by headless Chromium (bot.editorial.browser).
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from bot.content.leaflet_spec import LeafletSpec
from bot.content.model import SOURCE_LANGUAGE, Content
from bot.content.sources import source_line

FORMATS = ("html", "pdf")
TELEGRAM_LINK = "https://t.me/{username}"
FONTS = (
    '"Noto Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "Noto Sans Thai", "Noto Sans Myanmar", '
    '"Noto Sans Khmer", "Noto Sans Lao", "DejaVu Sans", Arial, sans-serif'
)

_CSS = """
@page { size: A4; margin: 12mm; }
html { font-family: FONTS; font-size: 9.5pt; color: #111; line-height: 1.35; }
body { margin: 0 auto; max-width: 186mm; }
@media screen { body { padding: 8mm; } }
:lang(my) { line-height: 1.75; } :lang(th), :lang(lo), :lang(km) { line-height: 1.55; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 11.5pt; margin: 3mm 0 1mm; break-after: avoid; }
.emergency { display: inline-block; font-size: 14pt; font-weight: bold; border: 2px solid #b00000;
  color: #b00000; padding: .5mm 3mm; margin: 0 0 2mm; }
.top { display: flex; gap: 6mm; align-items: flex-start; break-inside: avoid; }
.hotlines { flex: 1; }
.hotlines table { border-collapse: collapse; width: 100%; }
.hotlines td { border-bottom: 1px solid #ccc; padding: .6mm 1.5mm; vertical-align: top; }
.hotlines td.number { font-weight: bold; font-size: 11.5pt; white-space: nowrap; }
.telegram { width: 36mm; text-align: center; font-size: 8.5pt; }
.telegram svg { width: 32mm; height: 32mm; display: block; margin: 0 auto 1mm; }
.answers { columns: 2; column-gap: 7mm; margin-top: 3mm; }
.answers article { break-inside: auto; }
.message { margin: 0 0 1.5mm; white-space: pre-line; }
.source { font-size: 7pt; color: #444; overflow-wrap: anywhere; }
footer { margin-top: 3mm; font-size: 7.5pt; color: #444; border-top: 1px solid #999; padding-top: 1mm; }
""".replace("FONTS", FONTS)


class LeafletError(Exception):
    """The leaflet cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class Answer:
    """One printed answer."""

    topic_id: str
    title: str
    messages: tuple[str, ...]
    source: str = ""


@dataclass
class Leaflet:
    """Everything printed on one leaflet, already in its language."""

    lang: str
    direction: str
    title: str
    emergency: str
    hotlines_heading: str
    hotlines: list[tuple[str, str]]  # (number, label)
    no_hotlines: str
    answers: list[Answer]
    printed: str
    telegram_url: str = ""
    telegram_label: str = ""
    left_out: list[str] = field(default_factory=list)  # why a listed answer is not printed, for the editor


def compose(
    content: Content, spec: LeafletSpec, lang: str, region: str, today: dt.date, bot_username: str = ""
) -> Leaflet:
    """The leaflet of region in lang (lang and region must exist in the content)."""
    reg = content.region(region)
    answers, left_out = [], []
    for topic_id in spec.topics_for(region):
        topic = content.topic(region, topic_id)
        if topic is None:
            left_out.append(f"{topic_id}: no answer written")
        elif topic.expired(today):
            left_out.append(f"{topic_id}: expired on {topic.valid_until} (valid_until in {topic.path})")
        elif lang not in topic.translations:
            left_out.append(f"{topic_id}: no usable {lang} translation in {topic.path}")
        else:
            tr = topic.translations[lang]
            answers.append(Answer(topic_id, tr.title, tr.messages, source_line(content, topic, lang)))
    region_name = reg.name.get(lang) or reg.name.get(SOURCE_LANGUAGE) or reg.id
    direction = next((x.direction for x in content.languages if x.code == lang), "ltr")
    return Leaflet(
        lang=lang,
        direction=direction,
        title=spec.label(lang, "title", region=region_name),
        emergency=spec.label(lang, "emergency", number=reg.emergency) if reg.emergency else "",
        hotlines_heading=spec.label(lang, "hotlines"),
        hotlines=[(h.number, h.label.get(lang) or h.label.get(SOURCE_LANGUAGE, "")) for h in reg.hotlines],
        no_hotlines=spec.label(lang, "no_hotlines"),
        answers=answers,
        printed=spec.label(lang, "printed", date=today.isoformat()),
        telegram_url=TELEGRAM_LINK.format(username=bot_username) if bot_username else "",
        telegram_label=spec.label(lang, "telegram") if bot_username else "",
        left_out=left_out,
    )


def qr_svg(url: str) -> str:
    """A QR code for url as an inline <svg> element (drawn here, no network)."""
    import segno

    return str(segno.make(url, error="m").svg_inline(scale=4, omitsize=True, title=url))


def _telegram_html(leaflet: Leaflet) -> str:
    if not leaflet.telegram_url:
        return ""
    shown = leaflet.telegram_url.removeprefix("https://")
    return (
        f'<aside class="telegram">{qr_svg(leaflet.telegram_url)}<div>{escape(leaflet.telegram_label)}</div>'
        f'<div dir="ltr"><bdi>{escape(shown)}</bdi></div></aside>'
    )


def _hotlines_html(leaflet: Leaflet) -> str:
    if not leaflet.hotlines:
        return f'<p class="no-hotlines">{escape(leaflet.no_hotlines)}</p>'
    rows = "".join(
        f'<tr><td class="number"><bdi dir="ltr">{escape(number)}</bdi></td><td>{escape(label)}</td></tr>'
        for number, label in leaflet.hotlines
    )
    return f"<table>{rows}</table>"


def render_html(leaflet: Leaflet) -> str:
    """The leaflet as one self-contained HTML page, sized for A4."""
    lang = escape(leaflet.lang)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}" dir="{leaflet.direction}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(leaflet.title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(leaflet.title)}</h1>",
    ]
    if leaflet.emergency:
        out.append(f'<p class="emergency">{escape(leaflet.emergency)}</p>')
    out.append(
        f'</header><div class="top"><section class="hotlines"><h2>{escape(leaflet.hotlines_heading)}</h2>'
        f"{_hotlines_html(leaflet)}</section>{_telegram_html(leaflet)}</div>"
    )
    out.append('<main class="answers">')
    for a in leaflet.answers:
        messages = "".join(f'<p class="message">{escape(m)}</p>' for m in a.messages)
        source = f'<p class="source">{escape(a.source)}</p>' if a.source else ""
        out.append(f'<article data-topic="{escape(a.topic_id)}"><h2>{escape(a.title)}</h2>{messages}{source}</article>')
    out.append(f"</main><footer>{escape(leaflet.printed)}</footer></body></html>")
    return "\n".join(out)


def _require_known(kind: str, value: str, known: list[str]) -> None:
    from bot.editorial.preview import PreviewError, require_known

    try:
        require_known(kind, value, known)
    except PreviewError as exc:
        raise LeafletError(str(exc)) from None


def build(content_dir: Path, lang: str, region: str, today: dt.date | None = None, bot_username: str = "") -> Leaflet:
    """Load the content and leaflet.yml and compose; LeafletError for unknown names or a broken leaflet.yml."""
    from bot.content.leaflet_spec import LEAFLET_FILE, load_spec
    from bot.content.load import check_content

    today = today or dt.date.today()
    content, _ = check_content(content_dir, today)
    _require_known("language", lang, content.language_codes)
    _require_known("region", region, sorted(content.regions))
    spec, problems = load_spec(content_dir, content)
    if problems:
        raise LeafletError("\n".join(map(str, problems)) + f"\nFix {LEAFLET_FILE} first.")
    return compose(content, spec, lang, region, today, bot_username)


def export_main(
    content_dir: Path,
    lang: str,
    region: str,
    fmt: str,
    output: Path,
    bot_username: str = "",
    today: dt.date | None = None,
) -> int:
    """Write the leaflet as HTML or PDF and say what is on it; return the exit code."""
    from bot.editorial.browser import BrowserError, print_to_pdf

    try:
        leaflet = build(content_dir, lang, region, today, bot_username)
    except LeafletError as exc:
        print(exc, file=sys.stderr)
        return 2
    for why in leaflet.left_out:
        print(f"Left out {why}.", file=sys.stderr)
    page = render_html(leaflet)
    try:
        if fmt == "html":
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(page, encoding="utf-8")
        else:
            with tempfile.TemporaryDirectory(prefix="leaflet-") as tmp:
                html_path = Path(tmp) / "leaflet.html"
                html_path.write_text(page, encoding="utf-8")
                print_to_pdf(html_path, output)
    except BrowserError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Cannot write {output}: {exc.strerror}.", file=sys.stderr)
        return 1
    qr = f", QR code to {leaflet.telegram_url}" if leaflet.telegram_url else ", no QR code (BOT_USERNAME is not set)"
    print(f"Wrote {output} ({lang}, {region}: {len(leaflet.answers)} answers, {len(leaflet.hotlines)} numbers{qr})")
    return 0
