"""One conversation in the terminal, as a person types it: a real process, model and action server.

It is started as `make run` starts it: `python -m bot run` with no Telegram token opens the chat.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest

from bot.content.load import load_content
from bot.replies import topic_payload, topic_title
from bot.settings import REPO
from tests.helpers.chat_process import ChatProcess


@pytest.fixture()
def chat(model_path: Path, tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    env = {
        "CONTENT_DIR": str(content),
        "REGION": "es-barcelona",
        "VAR_DIR": str(tmp_path / "var"),
        "TELEGRAM_BOT_TOKEN": "",
    }
    process = ChatProcess(["run"], env, tmp_path / "chat.log")
    try:
        yield process, content
    finally:
        process.close()


def _answer(content_dir: Path, topic: str, lang: str) -> str:
    content = load_content(content_dir, dt.date.today())
    return content.topic("es-barcelona", topic).translations[lang].messages[0]


def test_a_conversation_in_the_terminal(chat):
    process, content_dir = chat
    content = load_content(content_dir, dt.date.today())
    assert content.text("en", "chat.intro") in process.intro

    # detected on the first message, then switched by a confident question in another language
    said = process.say("¿Puedo empadronarme sin contrato de alquiler?")
    assert _answer(content_dir, "registration.municipal", "es") in said
    said = process.say("how do I get a health card to see a doctor")
    assert _answer(content_dir, "health.access", "en") in said

    # bad input gets a kind reply in the conversation's language, never a crash
    assert content.text("en", "error.empty") in process.say("")
    assert content.text("en", "error.no_text") in process.say("😀😀😀")
    assert content.text("en", "error.too_long") in process.say("I need a doctor for my daughter. " * 310)
    said = process.say("Где я могу найти врача для моего ребёнка?")
    assert all(lang.name in said for lang in content.languages)

    # not understood: numbered suggestions, and a number picks one
    for vague in ("i want to know something", "qwpoe", "xqzv blorp", "asdkj qwpoe zxcmn", "bla bla"):
        said = process.say(vague)
        if content.text("en", "fallback.did_you_mean") in said:
            break
    else:
        pytest.fail(f"no vague message led to 'did you mean'; last reply: {said}")
    first_choice = said.split("  1) ", 1)[1].splitlines()[0]
    chosen = next(t for t in content.topic_ids if topic_title(content, "es-barcelona", "en", t) == first_choice)
    assert _answer(content_dir, chosen, "en") in process.say("1")

    # an editor's change is served by the running chat, without a restart
    path = content_dir / "global" / "money.remittances.yml"
    first = _answer(content_dir, "money.remittances", "en")
    path.write_text(
        path.read_text(encoding="utf-8").replace(first.split("\n")[0][:40], "EDITED BY AN EDITOR", 1), encoding="utf-8"
    )
    deadline = time.monotonic() + 30
    while "EDITED BY AN EDITOR" not in (said := process.say(topic_payload("money.remittances"))):
        assert time.monotonic() < deadline, f"the edit was not served: {said}"

    # leaving stops what the chat started
    children = process.children()
    assert children, "the chat runs its own action server"
    assert process.quit() == 0
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
