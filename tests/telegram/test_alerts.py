"""Alerts through the fake Bot API: subscribe, toggle, /stop, sending to many, quiet hours, 429, 403."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.content.store import ContentStore
from bot.editorial.alerts import send_main
from bot.privacy.pseudonym import pseudonym
from bot.settings import Settings
from bot.storage import alerts as store
from bot.storage.db import Database
from bot.telegram.core.callback_data import ALERT_OFF, ALERT_TOGGLE
from bot.telegram.core.render import escape
from tests.helpers.alerts import ALERT, add_subscribers, alert_content, alert_settings, database, set_quiet_hours
from tests.helpers.fake_bot_api import FakeBotApi
from tests.helpers.telegram import SECRET, Person, buttons
from tests.helpers.waiting import until

pytestmark = pytest.mark.asyncio(loop_scope="session")
LANGS = ["th", "my", "km", "lo", "es", "fr", "ar", "en"]  # en: the example's English text is a draft


@contextlib.asynccontextmanager
async def serving(settings: Settings, api: FakeBotApi) -> AsyncIterator[Any]:
    """The real Application (Rasa unreachable: alerts do not need it) polling the fake Bot API."""
    from bot.telegram import build_application, running
    from bot.wiring import open_assistant

    async with open_assistant(settings) as assistant:
        app = build_application(settings, assistant, base_url=api.url)
        async with running(app, poll_timeout=1):
            yield app


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return alert_content(tmp_path)


def _queue(settings: Settings, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert send_main(settings, ALERT, "--dry-run" in args) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


async def test_alerts_toggles_then_stop(bot_api: FakeBotApi, content: Path, tmp_path: Path):
    settings = alert_settings(content, tmp_path / "var", bot_api.url)
    async with serving(settings, bot_api):
        person = Person(bot_api, 3001, "th")
        [menu] = await person.say("/alerts")
        texts = ContentStore(content).current()
        assert escape(texts.text("th", "alerts.menu", region=texts.region("th").name["th"])) == menu["text"]
        toggles = [b["callback_data"] for b in buttons(menu)]
        assert toggles == [ALERT_TOGGLE + t for t in texts.region("th").alert_topics]
        [on] = await person.press(menu, ALERT_TOGGLE + "work.permit")
        title = texts.topic("th", "work.permit").translations["th"].title
        assert escape(texts.text("th", "alerts.subscribed", title=title)) in on["text"]
        marked = [b["text"] for b in buttons(on) if b["callback_data"] == ALERT_TOGGLE + "work.permit"]
        assert marked == [texts.text("th", "alerts.subscribed_mark", title=title)]  # ✓
        db = database(settings)
        assert await store.subscriptions(db, pseudonym(SECRET, 3001)) == {"work.permit"}
        [off] = await person.press(on, ALERT_TOGGLE + "work.permit")  # pressed again: off
        assert escape(texts.text("th", "alerts.unsubscribed", title=title)) in off["text"]
        assert await store.subscriptions(db, pseudonym(SECRET, 3001)) == set()
        await person.press(off, ALERT_TOGGLE + "safety.trafficking")
        [stopped] = await person.say("/stop", count=1)
        assert stopped["text"] == escape(texts.text("th", "alerts.stopped"))
        assert await store.subscriptions(db, pseudonym(SECRET, 3001)) == set()
        [again] = await person.say("/stop", count=1)
        assert again["text"] == escape(texts.text("th", "alerts.stopped_none"))
        db.close()


async def test_one_alert_to_many_people_in_their_languages_once(
    bot_api: FakeBotApi, content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    settings = alert_settings(content, tmp_path / "var", bot_api.url)
    people = {4000 + i: LANGS[i % len(LANGS)] for i in range(48)}
    db = database(settings)
    await add_subscribers(db, people)
    dry = _queue(settings, capsys, "--dry-run")
    assert dry["queued"] == 42 and dry["skipped"] == {"no_translation": 6}
    assert await until(lambda: not store.delivery_status(db)) == True  # noqa: E712 (dry run: nothing stored)
    result = _queue(settings, capsys)
    assert result == {
        "alert": ALERT,
        "queued": 42,
        "by_language": {lang: 6 for lang in LANGS if lang != "en"},
        "skipped": {"no_translation": 6},
    }
    alert = ContentStore(content).current().alerts[ALERT]
    async with serving(settings, bot_api):
        await bot_api.wait_for(lambda calls: len(bot_api.delivered()) >= 42)
        await until(lambda: store.delivery_status(db)[ALERT].get("th", {}).get("sent") == 6)
        assert _queue(settings, capsys) == {  # twice: nothing twice
            "alert": ALERT,
            "queued": 0,
            "by_language": {},
            "skipped": {"already": 48},
        }
        await until(lambda: sum(n.get("sent", 0) for n in store.delivery_status(db)[ALERT].values()) == 42)
    for uid, lang in people.items():
        got = bot_api.sent(uid)
        if lang == "en":
            assert got == []
            continue
        assert len(got) == 1, (uid, got)
        assert escape(alert.translations[lang].title) in got[0]["text"]
        assert [b["callback_data"] for b in buttons(got[0])] == [ALERT_OFF + "work.permit"]
    status = store.delivery_status(db)[ALERT]
    assert status["en"] == {"skipped": 6} and status["km"] == {"sent": 6}
    assert not any("allow_paid_broadcast" in c.params for c in bot_api.delivered())  # not paid unless set
    db.close()


async def test_nothing_during_quiet_hours_then_delivered(
    bot_api: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from bot.content.alerts import quiet_now
    from bot.storage.models import utcnow

    content = alert_content(tmp_path, quiet_hours="00:00-23:59")  # all day but one minute
    settings = alert_settings(content, tmp_path / "var", bot_api.url)
    db = database(settings)
    await add_subscribers(db, {5001: "th", 5002: "my"})
    assert _queue(settings, capsys)["queued"] == 2
    async with serving(settings, bot_api) as app:
        from bot.telegram.core.services import SERVICES_KEY
        from bot.telegram.features.alert_delivery import AlertSender

        region = ContentStore(content).current().region("th")
        if not quiet_now(region, utcnow()):
            pytest.skip("run in the one minute a day (Bangkok 23:59) this test keeps open")
        sender = AlertSender(app.bot_data[SERVICES_KEY], app.bot, settings.alerts)
        assert await sender.round() == 0  # quiet: nothing claimed
        assert bot_api.delivered() == [] and store.delivery_status(db)[ALERT]["th"] == {"queued": 1}
        set_quiet_hours(content, "00:00-00:00")  # the editors lift them; the bot reloads the content
        await bot_api.wait_for(lambda calls: len(bot_api.delivered()) == 2)
    db.close()


async def test_flood_control_and_blocked_people(
    bot_api: FakeBotApi, content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    settings = alert_settings(content, tmp_path / "var", bot_api.url, ALERTS_RATE="100")
    people = {6000 + i: "th" for i in range(40)}
    blocked = {6003, 6017}
    db = database(settings)
    await add_subscribers(db, people)
    bot_api.blocked = set(blocked)
    bot_api.flood_limit = 10  # a tenth of what the sender tries: Telegram answers 429, retry after 1 s
    assert _queue(settings, capsys)["queued"] == 40
    async with serving(settings, bot_api):
        await until(lambda: store.delivery_status(db)[ALERT]["th"] == {"sent": 38, "blocked": 2}, timeout=60, every=0.2)
    rejected = [c for c in bot_api.called("sendMessage") if c.result is None and c.params["chat_id"] not in blocked]
    assert rejected, "the fake never answered 429: the test did not test flood control"
    for uid in people:
        assert len(bot_api.sent(uid)) == (0 if uid in blocked else 1), uid
    for uid in blocked:  # unsubscribed, and nothing stored about them any more
        person = pseudonym(SECRET, uid)
        assert await store.subscriptions(db, person) == set()
        assert await db.get_preferences(person) is None and await db.chat_id_for(person) is None
    with db.engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT count(*) FROM alert_deliveries WHERE state = 'blocked'")).scalar()
        named = conn.execute(
            sa.text("SELECT count(*) FROM alert_deliveries WHERE state = 'blocked' AND pseudonym IS NOT NULL")
        ).scalar()
    assert (kept, named) == (2, 0)  # counted, without the person
    db.close()


async def test_forget_removes_subscriptions_and_pending_alerts(content: Path, tmp_path: Path):
    settings = alert_settings(content, tmp_path / "var", "http://127.0.0.1:1")
    db: Database = database(settings)
    await add_subscribers(db, {7001: "th", 7002: "th"})
    from bot.storage.alerts import queue_alert

    queue_alert(db, ALERT, "work.permit", ["th"], lambda lang: True)
    await db.forget(pseudonym(SECRET, 7001))
    assert await store.subscriptions(db, pseudonym(SECRET, 7001)) == set()
    assert store.delivery_status(db)[ALERT]["th"] == {"queued": 1}  # only 7002's is left
    db.close()


async def test_tell_me_when_this_changes_under_an_answer_of_an_alert_topic(telegram: FakeBotApi, assistant: Any):
    from bot.replies import topic_payload
    from bot.telegram.core.callback_data import ALERT_ON

    content = assistant.store.current()  # es-barcelona: status.regularisation is one of its alert_topics
    person = Person(telegram, 3101, "es")
    welcome = await person.say("/start")

    async def answer() -> dict[str, Any]:
        since = telegram.mark()
        telegram.press(person.user, welcome[-1], topic_payload("status.regularisation"))  # a topic button
        return (await telegram.replies(3101, since))[-1]

    follow = ALERT_ON + "status.regularisation"
    first = await answer()
    assert follow in [b["callback_data"] for b in buttons(first)]
    [done] = await person.press(first, follow, count=1)
    title = content.topic("es-barcelona", "status.regularisation").translations["es"].title
    assert done["text"] == escape(content.text("es", "alerts.subscribed", title=title))
    again = await answer()
    assert follow not in [b["callback_data"] for b in buttons(again)]  # already subscribed: not offered
    [stopped] = await person.say("/stop", count=1)
    assert stopped["text"] == escape(content.text("es", "alerts.stopped"))


async def test_paid_broadcast_is_asked_for_only_when_set(
    bot_api: FakeBotApi, content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    settings = alert_settings(content, tmp_path / "var", bot_api.url, ALERTS_PAID_BROADCAST="1")
    db = database(settings)
    await add_subscribers(db, {7101: "th", 7102: "lo"})
    assert _queue(settings, capsys)["queued"] == 2
    async with serving(settings, bot_api):
        await bot_api.wait_for(lambda calls: len(bot_api.delivered()) == 2)
    assert [c.params.get("allow_paid_broadcast") for c in bot_api.delivered()] == [True, True]
    db.close()
