"""`content export`: the printable leaflet, as HTML, as rendered by Chromium, and as PDF with a text layer."""

from __future__ import annotations

import re
import unicodedata
from html import escape
from pathlib import Path

import pytest
import yaml

from bot.editorial.browser import screenshot
from tests.helpers.editing import Bot, edit, line_of

USERNAME = "MigrantHelpBot"
# (language, region): Arabic is right to left; Thai and Burmese need their own fonts and shaping.
CASES = [("ar", "es-barcelona"), ("ar", "th"), ("th", "th"), ("my", "th")]
A4_POINTS = (595, 842)


def _expected(content: Path, lang: str, region: str) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """Read straight from the YAML: the (title, messages) of the region's leaflet answers, and its numbers."""
    listed = yaml.safe_load((content / "leaflet.yml").read_text(encoding="utf-8"))["topics"][region]
    answers = []
    for topic_id in listed:
        path = content / region / f"{topic_id}.yml"
        tr = yaml.safe_load(
            (path if path.is_file() else content / "global" / f"{topic_id}.yml").read_text(encoding="utf-8")
        )["translations"][lang]
        answers.append((tr["title"], [m.strip() for m in tr["messages"]]))
    hotlines = yaml.safe_load((content / region / "region.yml").read_text(encoding="utf-8"))["hotlines"]
    return answers, [h["number"] for h in hotlines]


@pytest.fixture()
def no_username(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_USERNAME", raising=False)


def _export(bot: Bot, content: Path, out: Path, lang: str, region: str, fmt: str = "html") -> str:
    result = bot(
        "content",
        "export",
        "--content",
        str(content),
        "--lang",
        lang,
        "--region",
        region,
        "--format",
        fmt,
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert f"Wrote {out}" in result.stdout
    return result.stdout


@pytest.mark.parametrize(("lang", "region"), CASES)
def test_html_has_the_answers_and_numbers_in_the_language(
    bot: Bot, content_dir: Path, tmp_path: Path, lang: str, region: str, no_username: None
):
    out = tmp_path / f"{lang}.html"
    _export(bot, content_dir, out, lang, region)
    page = out.read_text(encoding="utf-8")
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in page
    answers, numbers = _expected(content_dir, lang, region)
    assert len(answers) >= 3 and numbers
    for title, messages in answers:
        assert f"<h2>{escape(title)}</h2>" in page
        for message in messages:
            assert escape(message) in page
    for number in numbers:
        assert f'<td class="number"><bdi dir="ltr">{number}</bdi></td>' in page
    labels = yaml.safe_load((content_dir / "leaflet.yml").read_text(encoding="utf-8"))["labels"][lang]
    assert escape(labels["hotlines"]) in page
    for font in ("Noto Sans Arabic", "Noto Sans Thai", "Noto Sans Myanmar"):
        assert font in page
    assert not re.search(r"<link|<script|<img|src=|url\(|@import|https?://(?!t\.me)[^\s<]*\.(css|js|woff)", page)
    assert "<svg" not in page  # no BOT_USERNAME: no QR code


def test_qr_code_only_with_bot_username(bot: Bot, content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BOT_USERNAME", f"@{USERNAME}")
    stdout = _export(bot, content_dir, tmp_path / "qr.html", "th", "th")
    page = (tmp_path / "qr.html").read_text(encoding="utf-8")
    assert f"QR code to https://t.me/{USERNAME}" in stdout
    assert page.count("<svg") == 1 and 'class="segno"' in page and f"t.me/{USERNAME}" in page
    monkeypatch.setenv("BOT_USERNAME", "not a name!")
    result = bot("content", "export", "--lang", "th", "--region", "th", "--output", str(tmp_path / "bad.html"))
    assert result.returncode == 2 and "BOT_USERNAME" in result.stderr
    assert not (tmp_path / "bad.html").exists()


def test_expired_answers_are_not_printed(bot: Bot, content_dir: Path, tmp_path: Path, no_username: None):
    permit = content_dir / "th" / "work.permit.yml"
    edit(permit, "valid_until: 2027-02-13", "valid_until: 2026-01-31")
    out = tmp_path / "th.html"
    result = bot(
        "content", "export", "--content", str(content_dir), "--lang", "th", "--region", "th", "--output", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "Left out work.permit: expired on 2026-01-31" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert 'data-topic="work.permit"' not in page and 'data-topic="work.rights"' in page
    title = yaml.safe_load(permit.read_text(encoding="utf-8"))["translations"]["th"]["title"]
    assert escape(title) not in page


def test_unknown_language_region_or_broken_leaflet_file(bot: Bot, content_dir: Path, tmp_path: Path):
    out = tmp_path / "x.html"
    result = bot("content", "export", "--lang", "xx", "--output", str(out))
    assert result.returncode == 2 and "Unknown language 'xx'" in result.stderr and "ar" in result.stderr
    result = bot("content", "export", "--lang", "ar", "--region", "tha", "--output", str(out))
    assert result.returncode == 2 and "Unknown region 'tha'. Did you mean th?" in result.stderr
    assert not out.exists()
    edit(content_dir / "leaflet.yml", "th: [work.rights,", "th: [work.rigths,")
    edit(content_dir / "leaflet.yml", 'emergency: "الطوارئ: {number}"', 'emergency: "الطوارئ: {numero}"')
    result = bot("content", "export", "--content", str(content_dir), "--lang", "ar", "--output", str(out))
    assert result.returncode == 2 and not out.exists()
    line = line_of(content_dir / "leaflet.yml", "work.rigths")
    assert f"content/leaflet.yml:{line} [topics.th.0]: 'work.rigths' is not a topic id." in result.stderr
    assert "[labels.ar.emergency]" in result.stderr
    check = bot("content", "check", "--content", str(content_dir))
    assert check.returncode == 1 and f"content/leaflet.yml:{line} [topics.th.0]" in check.stdout


def _dark_share(image: object) -> float:
    """The share of pixels that are clearly not white (text, lines, the QR code)."""
    grey = image.convert("L")  # type: ignore[attr-defined]
    histogram = grey.histogram()
    return sum(histogram[:200]) / (grey.width * grey.height)


@pytest.mark.parametrize("lang", ["ar", "th", "my"])
def test_leaflet_renders_in_headless_chromium(
    bot: Bot, content_dir: Path, tmp_path: Path, chromium: Path, lang: str, monkeypatch: pytest.MonkeyPatch
):
    import zxingcpp
    from PIL import Image

    monkeypatch.setenv("BOT_USERNAME", USERNAME)
    page = tmp_path / f"{lang}.html"
    _export(bot, content_dir, page, lang, "th")
    shot = screenshot(page, tmp_path / f"{lang}.png")
    with Image.open(shot) as image:
        assert image.size == (1240, 1754)
        assert _dark_share(image) > 0.03  # a blank page is 0; this leaflet is about 8 %
        # the QR code as printed, read back as a phone camera would
        assert [code.text for code in zxingcpp.read_barcodes(image)] == [f"https://t.me/{USERNAME}"]


def _letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] in "LM")


def _bigrams(words: list[str]) -> set[str]:
    """Letter pairs within words, in reading and (for right-to-left text extracted in visual order) reverse order."""
    pairs = set()
    for word in map(_letters, words):
        for w in (word, word[::-1]):
            pairs |= {w[i : i + 2] for i in range(len(w) - 1)}
    return pairs


@pytest.mark.parametrize(("lang", "region"), [("ar", "es-barcelona"), ("th", "th"), ("my", "th")])
def test_pdf_is_a4_with_the_text_in_its_text_layer(
    bot: Bot, content_dir: Path, tmp_path: Path, chromium: Path, lang: str, region: str, no_username: None
):
    import pypdfium2 as pdfium

    pdf_path = tmp_path / f"{lang}.pdf"
    _export(bot, content_dir, pdf_path, lang, region, "pdf")
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        assert 1 <= len(pdf) <= 3
        assert all(round(a) == b for a, b in zip(pdf[0].get_size(), A4_POINTS, strict=True))
        assert _dark_share(pdf[0].render(scale=1).to_pil()) > 0.03
        text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()
    answers, numbers = _expected(content_dir, lang, region)
    for number in numbers:  # "900 900 120" in right-to-left text is extracted in visual order: "120 900 900"
        assert number in text or (lang == "ar" and " ".join(reversed(number.split())) in text), number
    # Text extraction of complex scripts splits and repeats some clusters, so whole sentences cannot be
    # compared; but nearly all letter pairs of the answers must be there (another language shares none).
    wanted = {
        p for p in _bigrams([w for title, ms in answers for m in (title, *ms) for w in m.split()]) if not p.isascii()
    }
    found = _bigrams(text.split())
    assert len(wanted) > 200
    assert len(wanted & found) / len(wanted) > 0.75, sorted(wanted - found)[:40]


def test_pdf_without_chromium_says_how_to_install_it(bot: Bot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium on it
    result = bot(
        "content", "export", "--lang", "th", "--region", "th", "--format", "pdf", "--output", str(tmp_path / "th.pdf")
    )
    assert result.returncode == 1
    assert "Chromium is not installed" in result.stderr and "apt-get install chromium" in result.stderr
    assert not (tmp_path / "th.pdf").exists()
