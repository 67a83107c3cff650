"""The change-language action: a known code switches the conversation's language, anything else shows the menu."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.context import content_store
from actions.language import ActionChangeLanguage
from tests.helpers.trackers import run, tracker

pytestmark = pytest.mark.asyncio(loop_scope="session")

CODES = content_store().current().language_codes


def ui(lang: str, string_id: str) -> str:
    return content_store().current().text(lang, string_id)


def change(to: str | None, current: str = "en") -> Tracker:
    entities = {"language": to} if to is not None else {}
    return tracker(text="change language", intent="change_language", language=current, entities=entities)


@pytest.mark.parametrize("code", CODES)
async def test_a_known_language_is_set_and_the_reply_is_already_in_it(code: str):
    current = "ar" if code == "en" else "en"
    ran = await run(ActionChangeLanguage(), change(code, current))
    assert ran.texts == [ui(code, "language.set")]
    assert ran.button_titles == [ui(code, "button.menu")]
    assert ran.meta["set_language"] == code
    assert ran.meta["language"] == code
    assert ran.language_slot == code


async def test_the_confirmation_is_not_the_english_one():
    ran = await run(ActionChangeLanguage(), change("fr"))
    assert ran.texts != [ui("en", "language.set")]


@pytest.mark.parametrize("chosen", ["xx", "english", None], ids=["unknown code", "a name", "no entity"])
async def test_anything_else_shows_the_language_menu_and_keeps_the_language(chosen: str | None):
    content = content_store().current()
    ran = await run(ActionChangeLanguage(), change(chosen, current="es"))
    assert ran.texts == [ui("es", "language.menu")]
    assert ran.button_titles == [content.language_name(code) for code in CODES]
    payloads = [b["payload"] for b in ran.shown[-1]["buttons"]]
    assert all(f'"{code}"' in payload for code, payload in zip(CODES, payloads, strict=True))
    assert "set_language" not in ran.meta
    assert ran.language_slot == "es"
