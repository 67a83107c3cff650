"""The staff supergroup of handoff tests: its id, a roster, and a fake Bot API with forum topics."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from typing import Any

from tests.helpers.fake_bot_api import MEDIA_METHODS, FakeBotApi, user

STAFF_CHAT_ID = -1001234567890
STAFF_CHAT = {"id": STAFF_CHAT_ID, "type": "supergroup", "title": "Staff", "is_forum": True}
BURMESE_STAFF, THAI_SUPERVISOR, OUTSIDER = 900001, 900002, 900003
SUNDAY_NOON = datetime(2026, 11, 29, 5, 0, tzinfo=timezone.utc)  # 12:00 in Bangkok, a Sunday
ROSTER = f"""
time_zone: Asia/Bangkok
staff:
  - id: {BURMESE_STAFF}
    name: Aung <Ko>
    role: staff
    languages: [my]
    hours:
      my: ["mon-sun 00:00-24:00"]
  - id: {THAI_SUPERVISOR}
    role: supervisor
    languages: [th, en]
    hours:
      th: ["mon-fri 09:00-17:00"]
"""


class ForumBotApi(FakeBotApi):
    """The fake Bot API plus forum topics: createForumTopic, closeForumTopic, message_thread_id."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self._thread_ids = itertools.count(501)
        self._chats[STAFF_CHAT_ID] = STAFF_CHAT

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "createforumtopic":
            return {"message_thread_id": next(self._thread_ids), "name": params["name"], "icon_color": 7322096}
        if method in ("closeforumtopic", "reopenforumtopic", "editforumtopic", "deleteforumtopic"):
            return True
        result = super()._result(method, params)
        if (method == "sendmessage" or method in MEDIA_METHODS) and params.get("message_thread_id"):
            result.update(message_thread_id=params["message_thread_id"], is_topic_message=True)
        return result

    def topics(self, since: int = 0) -> list[dict[str, Any]]:
        """The forum topics the bot created (the fake's answers)."""
        return [c.result for c in self.called("createForumTopic", since)]

    def in_topic(self, thread_id: int, since: int = 0) -> list[dict[str, Any]]:
        """The messages the bot sent into one forum topic of the staff chat."""
        return [m for m in self.sent(STAFF_CHAT_ID, since) if m.get("message_thread_id") == thread_id]

    def media_in_topic(self, thread_id: int, since: int = 0) -> list[dict[str, Any]]:
        """The media the bot sent into one forum topic of the staff chat."""
        return [m for m in self.media(STAFF_CHAT_ID, since) if m.get("message_thread_id") == thread_id]

    def in_general(self, since: int = 0) -> list[dict[str, Any]]:
        """The messages the bot sent into the staff chat outside any topic."""
        return [m for m in self.sent(STAFF_CHAT_ID, since) if not m.get("message_thread_id")]

    def staff_says(self, uid: int, thread_id: int, text: str) -> None:
        """Queue a message written by uid in a topic of the staff chat."""
        self.message(user(uid), STAFF_CHAT, text=text, message_thread_id=thread_id, is_topic_message=True)

    async def wait_in_topic(self, thread_id: int, since: int, count: int) -> list[dict[str, Any]]:
        """Wait until count messages went into the topic (from call number since on)."""

        def ready(_: object) -> list[dict[str, Any]] | None:
            got = self.in_topic(thread_id, since)
            return got if len(got) >= count else None

        return await self.wait_for(ready)  # type: ignore[no-any-return]
