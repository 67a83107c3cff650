"""The handoff action: the region's help lines and emergency number, in the person's language (no model, no server)."""

from __future__ import annotations

import pytest

from actions.context import content_store
from actions.handoff import ActionHumanHandoff
from tests.helpers.trackers import run, tracker

pytestmark = pytest.mark.asyncio(loop_scope="session")


def ui(lang: str, string_id: str, **values: object) -> str:
    return content_store().current().text(lang, string_id, **values)


@pytest.mark.parametrize(
    ("region", "lang", "emergency"),
    [
        ("es-barcelona", "en", "112"),
        ("es-barcelona", "ar", "112"),
        ("th", "my", "191"),
        ("th", "th", "191"),
    ],
)
async def test_handoff_gives_every_hotline_of_the_region_and_its_emergency_number(
    region: str, lang: str, emergency: str
):
    pack = content_store().current().region(region)
    ran = await run(ActionHumanHandoff(), tracker(intent="human_handoff", language=lang, region=region))
    lines = ran.texts[0].split("\n")
    assert pack.emergency == emergency
    assert pack.hotlines, f"{region} has no hotlines to test"
    assert lines[0] == ui(lang, "handoff.intro")
    assert lines[1:] == [ui(lang, "hotline.line", number=h.number, label=h.label[lang]) for h in pack.hotlines]
    assert ran.texts[-1] == ui(lang, "handoff.emergency", number=emergency)
    assert emergency in ran.texts[-1]
    assert ran.button_titles == [ui(lang, "button.menu")]
    assert ran.language_slot == lang


async def test_the_two_regions_give_different_numbers():
    spain = await run(ActionHumanHandoff(), tracker(intent="human_handoff", region="es-barcelona"))
    thailand = await run(ActionHumanHandoff(), tracker(intent="human_handoff", region="th"))
    assert "061" in spain.texts[0] and "061" not in thailand.texts[0]
    assert "1694" in thailand.texts[0] and "1694" not in spain.texts[0]


async def test_the_front_end_sees_the_handoff_topic_to_open_a_case():
    ran = await run(ActionHumanHandoff(), tracker(intent="human_handoff", confidence=0.93, language="fr"))
    assert ran.meta["topic"] == "human_handoff"
    assert ran.meta["language"] == "fr"
    assert ran.meta["confidence"] == 0.93


async def test_a_region_without_numbers_says_where_to_ask_and_gives_no_emergency_number():
    ran = await run(ActionHumanHandoff(), tracker(intent="human_handoff", language="es", region="nowhere"))
    assert ran.texts == [ui("es", "handoff.no_numbers")]
    assert ran.button_titles == [ui("es", "button.menu")]


async def test_an_unsure_request_for_a_person_also_offers_the_likeliest_topics():
    """'Can I please transfer?' (an employer) was taken for a request for a person; the help lines still come."""
    ranking = [("human_handoff", 0.55), ("money.remittances", 0.17), ("work.permit", 0.11)]
    ran = await run(ActionHumanHandoff(), tracker(intent="human_handoff", confidence=0.55, ranking=ranking))
    assert ran.texts[0].split("\n")[0] == ui("en", "handoff.intro")
    assert ran.meta["suggestions"] == ["money.remittances", "work.permit"]
    assert ran.button_titles[-1] == ui("en", "button.menu")
    assert len(ran.button_titles) == 3
