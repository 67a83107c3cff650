"""The command line as editors and developers use it: real processes, real model."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bot.content.load import load_content
from bot.settings import REPO


def _bot(
    args: list[str], env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_ask_batch_prints_one_json_object_per_line_in_order(model_path: Path, tmp_path: Path):
    vague = ["i want to know something", "qwpoe", "xqzv blorp", "asdkj qwpoe zxcmn", "bla bla"]
    questions = [
        "¿Puedo empadronarme sin contrato de alquiler?",
        "",
        "أين أجد طبيبا؟",
        "ကလေးကို ကျောင်းအပ်ချင်တယ်",
        "😀",
        "Je cherche des cours de catalan",
        "ลูกฉันไม่มีเอกสาร เข้าเรียนได้ไหม",
        "600 000 016 123",
        "Где я могу найти врача для моего ребёнка?",
        "<b>hola</b> *padron* _now_ [x](y)",
        "I need a doctor for my daughter. " * 310,
        *vague,
    ]
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(questions) + "\n", encoding="utf-8")
    result = _bot(["ask", "--json", "--batch", str(batch)])
    assert result.returncode == 0, result.stderr[-2000:]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == questions
    for r in records:
        assert set(r) >= {"text", "language", "topic", "confidence", "suggestions", "reply"}
        assert r["reply"] and all(m.strip() for m in r["reply"]) and 0.0 <= r["confidence"] <= 1.0
    content = load_content(REPO / "content", dt.date.today())
    assert (records[0]["language"], records[0]["topic"]) == ("es", "registration.municipal")
    padron = content.topic("es-barcelona", "registration.municipal")
    assert records[0]["reply"][0] == padron.translations["es"].messages[0]
    assert [r["language"] for r in records[2:4]] == ["ar", "my"]
    assert records[1]["reply"] == [content.text("en", "error.empty")]
    assert records[4]["reply"] == [content.text("en", "error.no_text")]
    assert (records[5]["language"], records[6]["language"]) == ("fr", "th")
    assert records[6]["topic"] == "education.school"
    assert records[7]["reply"] == [content.text("en", "error.digits_only")]
    assert records[8]["language"] == "en" and all(x.name in records[8]["reply"][0] for x in content.languages)
    assert records[10]["reply"][0] == content.text("en", "error.too_long")
    fallbacks = [r for r in records[-len(vague) :] if r["topic"] == "nlu_fallback"]
    assert fallbacks, "no vague question led to 'did you mean'"
    for r in fallbacks:
        assert r["reply"] == [content.text(r["language"], "fallback.did_you_mean")]
        assert 2 <= len(r["suggestions"]) <= 3 and set(r["suggestions"]) <= set(content.topic_ids)


def test_ask_single_with_lang(model_path: Path):
    result = _bot(["ask", "--lang", "es", "--json", "/contact.hotline"])
    assert result.returncode == 0, result.stderr[-2000:]
    record = json.loads(result.stdout)
    assert record["language"] == "es" and record["topic"] == "contact.hotline" and "112" in "".join(record["reply"])


def test_chat_numbered_buttons(model_path: Path):
    result = _bot(["chat", "--lang", "en"], stdin="/menu\n1\n/quit\n", timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1) Papers and registration" in result.stdout
    assert "Registering" in result.stdout or "register" in result.stdout.lower()


def test_broken_content_stops_with_file_field_and_fix(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    path = content / "es-barcelona" / "health.access.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("sensitivity:", "sensitivity: maybe #", 1), encoding="utf-8"
    )
    result = _bot(["train"], env={"CONTENT_DIR": str(content)}, timeout=120)
    assert result.returncode == 2
    assert "es-barcelona/health.access.yml" in result.stderr and "sensitivity" in result.stderr
    assert "Fix:" in result.stderr and "Traceback" not in result.stderr


def test_unknown_region_is_a_clear_error():
    result = _bot(["ask", "hola"], env={"REGION": "mars"}, timeout=120)
    assert result.returncode == 2 and "REGION='mars'" in result.stderr and "Traceback" not in result.stderr


def test_purge_deletes_expired_rows_and_keeps_the_rest(tmp_path: Path):
    import asyncio

    from bot.storage.db import Database, sqlite_url
    from tests.storage.test_db import ALICE, BOB, age

    url = sqlite_url(tmp_path)
    db = Database(url)
    db.migrate()

    async def fill() -> None:
        for n, person in enumerate((ALICE, BOB)):
            await db.save_preferences(person, "ar", None)
            await db.remember_chat(person, n + 1)

    asyncio.run(fill())
    age(db, ALICE, 10)
    result = _bot(["purge", "--days", "7"], env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "7 days" in result.stdout
    assert asyncio.run(db.get_preferences(ALICE)) is None
    assert asyncio.run(db.chat_id_for(ALICE)) is None
    assert asyncio.run(db.get_preferences(BOB)) is not None and asyncio.run(db.chat_id_for(BOB)) == 2

    age(db, BOB, 10)  # RETENTION_DAYS is the default period
    assert _bot(["purge"], env={"VAR_DIR": str(tmp_path), "DATABASE_URL": "", "RETENTION_DAYS": "30"}).returncode == 0
    assert asyncio.run(db.get_preferences(BOB)) is not None
    assert _bot(["purge"], env={"VAR_DIR": str(tmp_path), "DATABASE_URL": "", "RETENTION_DAYS": "9"}).returncode == 0
    assert asyncio.run(db.get_preferences(BOB)) is None
    db.close()
