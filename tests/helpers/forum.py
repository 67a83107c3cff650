"""The staff supergroup of handoff tests: its id, a roster, and a fake Bot API with forum topics."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from typing import Any

from tests.helpers.fake_bot_api import MEDIA_METHODS, FakeBotApi, user

STAFF_CHAT_ID = -1001234567890
STAFF_CHAT = {"id": STAFF_CHAT_ID, "type": "supergroup", "title": "Staff", "is_forum": True}
TEAM_CHAT_ID = -1009876543210  # a language team's supergroup (STAFF_CHATS), e.g. the Burmese team's
TEAM_CHAT = {"id": TEAM_CHAT_ID, "type": "supergroup", "title": "Burmese team", "is_forum": True}
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
    """The fake Bot API plus forum topics: createForumTopic, closeForumTopic, message_thread_id.

    Two forum supergroups: the staff chat (STAFF_CHAT_ID) and a language team's (TEAM_CHAT_ID). As in
    Telegram, each group numbers its topics itself, so the same topic id can be in both.
    """

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self._thread_ids: dict[int, itertools.count[int]] = {}
        self._chats[STAFF_CHAT_ID] = STAFF_CHAT
        self._chats[TEAM_CHAT_ID] = TEAM_CHAT

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "createforumtopic":
            ids = self._thread_ids.setdefault(int(params["chat_id"]), itertools.count(501))
            return {"message_thread_id": next(ids), "name": params["name"], "icon_color": 7322096}
        if method in ("closeforumtopic", "reopenforumtopic", "editforumtopic", "deleteforumtopic"):
            return True
        result = super()._result(method, params)
        if (method == "sendmessage" or method in MEDIA_METHODS) and params.get("message_thread_id"):
            result.update(message_thread_id=params["message_thread_id"], is_topic_message=True)
        return result

    def topics(self, since: int = 0, chat_id: int | None = None) -> list[dict[str, Any]]:
        """The forum topics the bot created (the fake's answers), in every group or in chat_id."""
        calls = self.called("createForumTopic", since)
        return [c.result for c in calls if chat_id is None or int(c.params["chat_id"]) == chat_id]

    def in_topic(self, thread_id: int, since: int = 0, chat_id: int = STAFF_CHAT_ID) -> list[dict[str, Any]]:
        """The messages the bot sent into one forum topic of the staff chat (or another group)."""
        return [m for m in self.sent(chat_id, since) if m.get("message_thread_id") == thread_id]

    def media_in_topic(self, thread_id: int, since: int = 0) -> list[dict[str, Any]]:
        """The media the bot sent into one forum topic of the staff chat."""
        return [m for m in self.media(STAFF_CHAT_ID, since) if m.get("message_thread_id") == thread_id]

    def in_general(self, since: int = 0) -> list[dict[str, Any]]:
        """The messages the bot sent into the staff chat outside any topic."""
        return [m for m in self.sent(STAFF_CHAT_ID, since) if not m.get("message_thread_id")]

    def staff_says(self, uid: int, thread_id: int, text: str, chat: dict[str, Any] = STAFF_CHAT) -> None:
        """Queue a message written by uid in a topic of the staff chat (or of another group)."""
        self.message(user(uid), chat, text=text, message_thread_id=thread_id, is_topic_message=True)

    async def wait_in_topic(
        self, thread_id: int, since: int, count: int, chat_id: int = STAFF_CHAT_ID
    ) -> list[dict[str, Any]]:
        """Wait until count messages went into the topic (from call number since on)."""

        def ready(_: object) -> list[dict[str, Any]] | None:
            got = self.in_topic(thread_id, since, chat_id)
            return got if len(got) >= count else None

        return await self.wait_for(ready)  # type: ignore[no-any-return]
