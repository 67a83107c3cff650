"""Pacing: at most one message a second to one chat, in order, while other chats are answered meanwhile."""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram.core.pacing import ChatPacer
from bot.telegram.core.render import escape
from tests.helpers.fake_bot_api import FakeBotApi, user

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_one_message_a_second_per_chat_in_order_without_holding_up_other_chats(telegram: FakeBotApi, assistant):
    content = assistant.store.current()
    slow, other = user(6001, "es"), user(6002, "en")
    since = telegram.mark()
    telegram.text(slow, ("necesito ir al médico y no tengo papeles " * 250)[:10_000])  # note + answer
    telegram.text(slow, "/language")  # a second reply to the same chat, right behind
    telegram.text(other, "/help")
    language_menu = escape(content.text("es", "language.menu"))

    def sends(chat_id: int) -> list[tuple[float, str]]:
        return [
            (c.at, c.params["text"]) for c in telegram.called("sendMessage", since) if c.params["chat_id"] == chat_id
        ]

    await telegram.wait_for(lambda calls: any(t == language_menu for _, t in sends(6001)))
    paced = sends(6001)
    assert len(paced) == 2  # the note and the answer in one message, then the language menu
    assert paced[0][1].startswith(escape(content.text("es", "error.too_long")))  # in order
    assert paced[-1][1] == language_menu
    gaps = [b[0] - a[0] for a, b in zip(paced, paced[1:], strict=False)]
    assert min(gaps) >= 0.9, gaps
    [(answered_at, _)] = sends(6002)
    assert answered_at < paced[1][0]  # the other chat did not wait for the paced one


async def test_the_pacer_keeps_order_and_forgets_idle_chats():
    pacer = ChatPacer(interval=0.0)
    order: list[int] = []

    async def send(i: int) -> None:
        async with pacer.turn(42):
            await asyncio.sleep(0)  # let the others queue up behind
            order.append(i)

    await asyncio.gather(*(send(i) for i in range(5)))
    assert order == list(range(5))
    assert not pacer._locks and not pacer._users


async def test_an_answer_goes_before_broadcast_sends_waiting_for_the_overall_limit():
    from bot.telegram.core.pacing import PacedRateLimiter, broadcasting

    limiter = PacedRateLimiter(overall_max_rate=5, overall_time_period=1)  # 5 a second, to see the order
    order: list[str] = []

    def request(name: str):  # what PTB passes: the coroutine function that makes the HTTP request
        async def make() -> bool:
            order.append(name)
            return True

        return make

    async def alert(i: int) -> None:
        with broadcasting():
            await limiter.process_request(request(f"alert{i}"), (), {}, "sendMessage", {"chat_id": 100 + i}, None)

    async def answer() -> None:
        await limiter.process_request(request("answer"), (), {}, "sendMessage", {"chat_id": 1}, None)

    burst = [asyncio.create_task(alert(i)) for i in range(5)]  # fill the overall limit
    await asyncio.gather(*burst)
    later = [asyncio.create_task(alert(i)) for i in range(5, 10)]  # these must wait for capacity...
    await asyncio.sleep(0)  # (let them start waiting)
    asked = asyncio.create_task(answer())  # ...and an answer comes meanwhile
    await asyncio.gather(asked, *later)
    assert order[5] == "answer", order  # the first room in the limit goes to the person asking
    assert sorted(order[6:]) == [f"alert{i}" for i in range(5, 10)] and limiter.live == 0


async def test_a_group_gets_at_most_20_messages_in_any_61_seconds_and_private_chats_go_on():
    from bot.telegram.core.pacing import GROUP_WINDOW

    now, waits, sent = [0.0], [], []

    async def sleep(seconds: float) -> None:  # the pacer's waits, on a clock the test moves
        waits.append(seconds)
        now[0] += seconds

    pacer = ChatPacer(interval=0.0, clock=lambda: now[0], sleep=sleep)
    for chat in [-100] * 22 + [7, 7]:
        async with pacer.turn(chat):
            sent.append((chat, now[0]))
    assert [at for chat, at in sent if chat == -100] == [0.0] * 20 + [GROUP_WINDOW] * 2  # a burst of 20, then wait
    assert waits == [GROUP_WINDOW]  # once, for the 21st; the private chat after it never waited
