"""Privacy and forget-me actions: the retention days people are told come from the environment; forget-me asks
the front end to delete (meta forget) and confirms. rasa_sdk's own dispatcher and tracker, no model, no server."""

from __future__ import annotations

import pytest

from actions.context import content_store
from actions.privacy import ActionForgetMe, ActionPrivacy
from tests.helpers.trackers import run, tracker

pytestmark = pytest.mark.asyncio(loop_scope="session")


def ui(lang: str, string_id: str, **values: object) -> str:
    return content_store().current().text(lang, string_id, **values)


@pytest.mark.parametrize("lang", ["en", "fr", "th"])
async def test_privacy_tells_the_retention_days_set_in_the_environment(monkeypatch: pytest.MonkeyPatch, lang: str):
    monkeypatch.setenv("RETENTION_DAYS", "45")
    monkeypatch.setenv("QUESTION_RETENTION_DAYS", "12")
    ran = await run(ActionPrivacy(), tracker(intent="privacy", language=lang))
    assert ran.texts == [ui(lang, "privacy.text", days=45, question_days=12)]
    assert "45" in ran.texts[0] and "12" in ran.texts[0]
    assert "90" not in ran.texts[0] and "30" not in ran.texts[0]
    assert ran.button_titles == [ui(lang, "button.menu")]
    assert ran.language_slot == lang


async def test_privacy_defaults_to_90_and_30_days(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    monkeypatch.delenv("QUESTION_RETENTION_DAYS", raising=False)
    ran = await run(ActionPrivacy(), tracker(intent="privacy", language="en"))
    assert ran.texts == [ui("en", "privacy.text", days=90, question_days=30)]
    assert "after 90 days" in ran.texts[0] and "after 30 days" in ran.texts[0]


async def test_privacy_alone_deletes_nothing():
    ran = await run(ActionPrivacy(), tracker(intent="privacy"))
    assert "forget" not in ran.meta


@pytest.mark.parametrize("lang", ["en", "es", "km"])
async def test_forget_me_asks_the_front_end_to_delete_and_confirms(lang: str):
    ran = await run(ActionForgetMe(), tracker(text="forget me", intent="forget_me", language=lang))
    assert ran.meta["forget"] is True
    assert ran.texts == [ui(lang, "forget.done")]
    assert ran.language_slot == lang


async def test_an_unsure_privacy_notice_offers_the_likeliest_topics():
    """'Can health providers share my personal information?' was taken for the privacy notice, rights next."""
    ranking = [("privacy", 0.74), ("rights.basic", 0.08), ("forget_me", 0.06)]
    ran = await run(ActionPrivacy(), tracker(intent="privacy", confidence=0.74, ranking=ranking))
    assert ran.meta["suggestions"] == ["rights.basic"]
    title = content_store().current().topic("es-barcelona", "rights.basic").translations["en"].title
    assert ran.button_titles[0] == title
