"""Language teams (STAFF_CHATS): a case opens in its team's staff group and stays there, end to end.

The fake Bot API has two forum supergroups (tests/helpers/forum.py), each numbering its topics itself:
the Burmese person's topic and the English person's are both topic 501, in different groups.
"""

from __future__ import annotations

import pytest

from bot.telegram.core.callback_data import CLAIM, FORGET_YES
from bot.telegram.core.render import escape
from tests.helpers.fake_bot_api import user
from tests.helpers.forum import (
    BURMESE_STAFF,
    STAFF_CHAT,
    STAFF_CHAT_ID,
    TEAM_CHAT,
    TEAM_CHAT_ID,
    THAI_SUPERVISOR,
    ForumBotApi,
)
from tests.helpers.handoff import cases, escalate, press_as, text_of
from tests.helpers.telegram import Person

pytestmark = pytest.mark.asyncio(loop_scope="session")
TEAMS = f"my={TEAM_CHAT_ID}"


async def test_each_case_opens_in_its_teams_group_and_is_answered_there(handoff_bot, forum_api: ForumBotApi, assistant):
    content = assistant.store.current()
    burmese, english = Person(forum_api, 5301, "my"), Person(forum_api, 5302, "en")
    async with handoff_bot(STAFF_CHATS=TEAMS) as app:
        await burmese.say("ဆေးရုံကို ဘယ်လိုသွားရမလဲ")
        since = forum_api.mark()
        _, card, thread = await escalate(forum_api, burmese, TEAM_CHAT_ID)
        assert forum_api.topics(since, STAFF_CHAT_ID) == []  # nothing in the default group
        assert forum_api.sent(STAFF_CHAT_ID, since) == []
        assert forum_api.topics(since, TEAM_CHAT_ID)[0]["name"] == "#1 · my · request"
        assert "ဆေးရုံကို" in card["text"]  # the card, in the team's topic
        assert cases(app)[0]["staff_group"] == TEAM_CHAT_ID

        await english.say("How do I see a doctor?")
        since = forum_api.mark()
        _, english_card, english_thread = await escalate(forum_api, english, STAFF_CHAT_ID)
        assert forum_api.topics(since, TEAM_CHAT_ID) == [] and forum_api.sent(TEAM_CHAT_ID, since) == []
        assert english_thread == thread  # each group numbers its topics: the same id, two topics
        assert cases(app)[1]["staff_group"] == STAFF_CHAT_ID

        since = forum_api.mark()  # the Burmese team claims in its group
        await press_as(forum_api, BURMESE_STAFF, card, f"{CLAIM}1", TEAM_CHAT_ID)
        [claimed] = await forum_api.replies(5301, since, count=1)
        assert claimed["text"] == text_of(content, "my", "handoff.case.claimed")
        assert cases(app)[0]["claimed_by"] == BURMESE_STAFF

        since = forum_api.mark()  # the person writes: it goes to the team's topic, not the default group's 501
        forum_api.text(burmese.user, "ကျေးဇူးပြုပြီး ကူညီပေးပါ")
        [relayed] = await forum_api.wait_in_topic(thread, since, 1, TEAM_CHAT_ID)
        assert relayed["text"] == "ကျေးဇူးပြုပြီး ကူညီပေးပါ"
        assert forum_api.in_topic(english_thread, since, STAFF_CHAT_ID) == []

        since = forum_api.mark()  # a reply in the team group's topic 501 reaches the Burmese person
        forum_api.staff_says(BURMESE_STAFF, thread, "မင်္ဂလာပါ", TEAM_CHAT)
        [answer] = await forum_api.replies(5301, since, count=1)
        assert answer["text"] == "မင်္ဂလာပါ"
        since = forum_api.mark()  # and one in the default group's topic 501 the English person
        forum_api.staff_says(THAI_SUPERVISOR, english_thread, "Hello, how can I help?")
        [answer] = await forum_api.replies(5302, since, count=1)
        assert answer["text"] == "Hello, how can I help?"
        assert forum_api.sent(5301, since) == []

        since = forum_api.mark()  # /queue in the team's group: its own cases
        forum_api.staff_says(BURMESE_STAFF, thread, "/queue", TEAM_CHAT)
        [queue] = await forum_api.wait_in_topic(thread, since, 1, TEAM_CHAT_ID)
        assert "#1" in queue["text"] and "#2" not in queue["text"]

        [question] = await burmese.say("/forget", count=1)
        since = forum_api.mark()
        [done] = await burmese.press(question, FORGET_YES, count=1)
        assert done["text"] == text_of(content, "my", "forget.done")
        [deleted] = forum_api.called("deleteForumTopic", since)  # the topic in the team's group goes
        assert (deleted.params["chat_id"], deleted.params["message_thread_id"]) == (TEAM_CHAT_ID, thread)
        assert [c["staff_group"] for c in cases(app)] == [STAFF_CHAT_ID]  # the English case stays


async def test_a_press_in_another_staff_group_does_nothing(handoff_bot, forum_api: ForumBotApi, assistant):
    burmese = Person(forum_api, 5303, "my")
    async with handoff_bot(STAFF_CHATS=TEAMS) as app:
        await burmese.say("ဆေးရုံကို ဘယ်လိုသွားရမလဲ")
        _, card, _thread = await escalate(forum_api, burmese, TEAM_CHAT_ID)
        since = forum_api.mark()  # the case's Claim button, as if pressed in the default group
        moved = {**forum_api.stored_message(TEAM_CHAT_ID, card["message_id"]), "chat": STAFF_CHAT}
        query_id = forum_api.press(user(BURMESE_STAFF), moved, f"{CLAIM}1")
        await forum_api.wait_for(
            lambda _: any(c.params["callback_query_id"] == query_id for c in forum_api.called("answerCallbackQuery"))
        )
        assert cases(app)[0]["state"] == "queued"
        assert forum_api.sent(5303, since) == []


def test_a_team_language_the_loaded_content_lacks_stops_the_start(assistant, content_copy, tmp_path, roster_file):
    """STAFF_CHATS read while the content could not be (format only): the bot checks the codes when it starts."""
    from dataclasses import replace

    from bot.settings import SettingsError
    from bot.telegram import build_application
    from tests.helpers.telegram import telegram_settings

    settings = telegram_settings(
        content_copy, tmp_path, STAFF_CHAT_ID=str(STAFF_CHAT_ID), STAFF_ROSTER=str(roster_file)
    )
    settings = replace(settings, handoff=replace(settings.handoff, teams={"de": TEAM_CHAT_ID}))
    with pytest.raises(SettingsError, match=r"STAFF_CHATS names languages not in content/languages.yml \(de\)"):
        build_application(settings, assistant, base_url="http://127.0.0.1:9")


async def test_urgent_and_transfer_stay_in_the_cases_group(handoff_bot, forum_api: ForumBotApi, assistant):
    """English in a team's group: the urgent note and rename, a transfer's chooser, note and rename go there."""
    from bot.telegram.core.callback_data import ROUTE, TRANSFER

    content = assistant.store.current()
    person = Person(forum_api, 5304, "en")
    async with handoff_bot(STAFF_CHATS=f"en={TEAM_CHAT_ID}") as app:
        _, card, thread = await escalate(forum_api, person, TEAM_CHAT_ID)
        since = forum_api.mark()
        await person.say("Please help, my husband is beating me", count=1)
        note, _relayed = await forum_api.wait_in_topic(thread, since, 2, TEAM_CHAT_ID)
        assert note["text"].startswith(content.text("en", "handoff.staff.now_urgent", topic="safety.violence"))
        [renamed] = forum_api.called("editForumTopic", since)
        assert renamed.params["chat_id"] == TEAM_CHAT_ID

        since = forum_api.mark()
        await press_as(forum_api, THAI_SUPERVISOR, card, f"{TRANSFER}1", TEAM_CHAT_ID)
        [chooser] = await forum_api.wait_in_topic(thread, since, 1, TEAM_CHAT_ID)
        since = forum_api.mark()
        await press_as(forum_api, THAI_SUPERVISOR, chooser, f"{ROUTE}1:th", TEAM_CHAT_ID)
        [moved] = await forum_api.wait_in_topic(thread, since, 1, TEAM_CHAT_ID)
        assert escape(content.text("en", "handoff.staff.transferred", target="th", staff="User900002")) in moved["text"]
        [renamed] = forum_api.called("editForumTopic", since)
        assert renamed.params["chat_id"] == TEAM_CHAT_ID
        assert forum_api.sent(STAFF_CHAT_ID) == []  # nothing ever in the default group
        assert (cases(app)[0]["routed_to"], cases(app)[0]["staff_group"]) == ("th", TEAM_CHAT_ID)
