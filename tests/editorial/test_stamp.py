"""`content stamp` records the English fingerprint and changes nothing else in the file."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import pytest

from bot.content.load import load_content
from bot.content.model import source_hash
from bot.content.yamlfile import DataError
from bot.editorial.stamp import stamp


def test_stamp_adds_only_source_hash_lines_after_status(content_dir: Path):
    path = content_dir / "es-barcelona" / "registration.municipal.yml"
    unstamped = [line for line in path.read_text(encoding="utf-8").splitlines() if "source_hash:" not in line]
    path.write_text("\n".join(unstamped) + "\n", encoding="utf-8")  # as before fingerprints were used
    before = path.read_text(encoding="utf-8").splitlines()
    done = stamp(content_dir, {"ar", "th"}, "registration.municipal", "es-barcelona")
    after = path.read_text(encoding="utf-8").splitlines()
    added = [line for line in difflib.ndiff(before, after) if line[:2] in ("+ ", "- ")]
    english = load_content(content_dir).topics["es-barcelona"]["registration.municipal"].translations["en"]
    assert added == [f"+     source_hash: {source_hash(english.messages)}"] * 2
    assert [(s.lang, s.old) for s in done] == [("ar", ""), ("th", "")]
    for lang in ("ar", "th"):
        status_at = after.index("    status: machine_translation", after.index(f"  {lang}:"))
        assert after[status_at + 1].startswith("    source_hash: ")
    assert stamp(content_dir, {"ar", "th"}, "registration.municipal", "es-barcelona") == []  # nothing left to do


def test_source_hash_is_the_documented_fingerprint():
    messages = ["First message.", "Second one."]
    assert source_hash(messages) == hashlib.sha256(b"First message.\nSecond one.").hexdigest()[:12]


def test_stamp_refuses_to_write_anything_while_a_file_is_broken(content_dir: Path):
    (content_dir / "th" / "work.rights.yml").write_text("topic: [broken", encoding="utf-8")
    before = (content_dir / "global" / "legal.aid.yml").read_text(encoding="utf-8")
    with pytest.raises(DataError, match=r"content/th/work\.rights\.yml: Not valid YAML"):
        stamp(content_dir)
    assert (content_dir / "global" / "legal.aid.yml").read_text(encoding="utf-8") == before
