"""`nlu suggest`: stored unanswered questions become a Rasa NLU review file, never training data directly."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot.settings import REPO
from bot.storage.db import Database
from bot.storage.feedback import add_question
from tests.helpers.editing import Bot

# (text as stored, i.e. already scrubbed; language; nearest topic; reason)
STORED = [
    ("นายจ้างไม่จ่ายค่าแรง <number> บาท ทำยังไง", "th", "work.rights", "fallback"),
    ("จะขอใบรับรองถิ่นที่อยู่ต้องไปติดต่อใคร", "th", "registration.municipal", "low_confidence"),  # tests/nlu/th.yml
    ("นายจ้างไม่จ่ายเงินเดือน?", "th", "work.rights", "not_helpful"),  # nlu_data/th/topics.yml, with a "?"
    ("ย้ายบ้านต้องแจ้งอำเภอไหม   ภายในกี่วัน", "th", "registration.municipal", "fallback"),
    ("ย้ายบ้านต้องแจ้งอำเภอไหม ภายในกี่วัน", "th", "registration.municipal", "fallback"),  # a repeat
    ("visa: <name> said #fee is <number>?", "th", "work.permit", "fallback"),
    ("ช่วยด้วย <name>", "th", "", "fallback"),
    ("where is the padrón office", "en", "registration.municipal", "fallback"),
]


@pytest.fixture()
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'assistant.db'}"
    db = Database(url)
    db.migrate()

    async def fill() -> None:
        for text, lang, topic, reason in STORED:
            await add_question(db, text, lang, "th", topic, reason)

    asyncio.run(fill())
    db.close()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _load_with_rasa(path: Path) -> dict[str, list[str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    result: dict[str, list[str]] = {}
    for message in data.intent_examples:
        result.setdefault(message.get("intent"), []).append(message.get("text"))
    return result


def test_suggest_writes_a_review_file_rasa_can_read(bot: Bot, database: str, tmp_path: Path):
    out = tmp_path / "nlu_review" / "th.yml"
    result = bot("nlu", "suggest", "--lang", "th", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert (
        "7 questions selected, 3 suggested; 2 skipped: already in nlu_data/ or tests/nlu/; 1 skipped: repeated; "
        "1 skipped: no nearest topic (assign one with --intent)." in result.stderr
    )
    text = out.read_text(encoding="utf-8")
    assert 'version: "3.1"' in text and "\nnlu:\n" in text
    assert _load_with_rasa(out) == {
        "registration.municipal": ["ย้ายบ้านต้องแจ้งอำเภอไหม ภายในกี่วัน"],
        "work.permit": ["visa: <name> said #fee is <number>?"],
        "work.rights": ["นายจ้างไม่จ่ายค่าแรง <number> บาท ทำยังไง"],
    }
    parsed = yaml.safe_load(text)
    assert [block["intent"] for block in parsed["nlu"]] == ["registration.municipal", "work.permit", "work.rights"]
    assert all(block["examples"].startswith("- ") for block in parsed["nlu"])


def test_selection_by_topic_ids_since_and_an_assigned_intent(bot: Bot, database: str, tmp_path: Path):
    listed = bot("nlu", "suggest", "--list", "--lang", "th")
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert len(rows) == 7 and all(len(r) == 6 for r in rows)
    ids = {r[5]: r[0] for r in rows}
    no_topic = ids["ช่วยด้วย <name>"]
    assert [r[3] for r in rows if r[0] == no_topic] == ["(none)"]

    result = bot("nlu", "suggest", no_topic, "--intent", "contact.hotline")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["nlu"] == [{"intent": "contact.hotline", "examples": "- ช่วยด้วย <name>\n"}]
    assert f"# questions {no_topic}\n" in result.stdout

    result = bot("nlu", "suggest", "--topic", "registration.municipal")  # both languages, one intent
    blocks = yaml.safe_load(result.stdout)["nlu"]
    assert [b["intent"] for b in blocks] == ["registration.municipal"]
    assert blocks[0]["examples"].splitlines() == ["- ย้ายบ้านต้องแจ้งอำเภอไหม ภายในกี่วัน", "- where is the padrón office"]
    assert bot("nlu", "suggest", "--topic", "none", "--intent", "greet").stdout.count("    - ") == 1

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = bot("nlu", "suggest", "--since", tomorrow)
    assert result.returncode == 0 and yaml.safe_load(result.stdout) == {"version": "3.1", "nlu": []}
    assert "0 questions selected, 0 suggested" in result.stderr


def test_never_writes_into_the_training_data_and_refuses_unknown_intents(bot: Bot, database: str):
    before = {p: p.stat().st_mtime_ns for p in (REPO / "nlu_data").rglob("*.yml")}
    for target in (REPO / "nlu_data" / "th" / "suggested.yml", REPO / "tests" / "nlu" / "th.yml"):
        result = bot("nlu", "suggest", "--lang", "th", "--output", str(target))
        assert result.returncode == 2 and "Not writing into" in result.stderr
    assert not (REPO / "nlu_data" / "th" / "suggested.yml").exists()
    assert {p: p.stat().st_mtime_ns for p in (REPO / "nlu_data").rglob("*.yml")} == before
    result = bot("nlu", "suggest", "--intent", "work.rigths")
    assert result.returncode == 2 and "Unknown intent 'work.rigths'" in result.stderr


def test_no_database_gives_an_empty_file(bot: Bot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'missing.db'}")
    result = bot("nlu", "suggest")
    assert result.returncode == 0, result.stderr
    assert re.search(r'^version: "3.1"\nnlu: \[\]$', result.stdout, re.M)
