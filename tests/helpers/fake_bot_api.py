"""A fake Telegram Bot API server: queues updates for getUpdates and records every call the bot makes."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.helpers.telegram_limits import TelegramLimits

BOT_USER = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "Assistant",
    "username": "test_assistant_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Parameters python-telegram-bot sends as plain strings; everything else arrives JSON-encoded.
STRING_PARAMS = {
    "text",
    "callback_query_id",
    "language_code",
    "parse_mode",
    "url",
    "secret_token",
    "inline_message_id",
    "caption",
    "photo",
    "document",
    "voice",
    "audio",
    "video",
    "video_note",
    "sticker",
}
# sent by file id (a string); the fields Telegram adds to each kind of file
MEDIA_METHODS = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendvoice": "voice",
    "sendaudio": "audio",
    "sendvideo": "video",
    "sendvideonote": "video_note",
    "sendsticker": "sticker",
}
MEDIA_FIELDS: dict[str, dict[str, Any]] = {
    "photo": {"width": 800, "height": 600},
    "document": {},
    "voice": {"duration": 3},
    "audio": {"duration": 3},
    "video": {"width": 640, "height": 480, "duration": 3},
    "video_note": {"length": 240, "duration": 3},
    "sticker": {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False},
}
TRUE_METHODS = {
    "answercallbackquery",
    "setmycommands",
    "deletewebhook",
    "setwebhook",
    "close",
    "logout",
    "sendchataction",
    "deletemycommands",
    "deletemessage",
}


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    result: Any = None  # what the fake answered (None for an error)
    at: float = 0.0  # time.monotonic() when the request arrived


def user(uid: int, language_code: str | None = "en") -> dict[str, Any]:
    """A Telegram user as it appears in updates."""
    u: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": f"User{uid}"}
    if language_code:
        u["language_code"] = language_code
    return u


def private_chat(uid: int) -> dict[str, Any]:
    return {"id": uid, "type": "private", "first_name": f"User{uid}"}


def group_chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "type": "group", "title": "Some group"}


class FakeBotApi:
    """An aiohttp app on 127.0.0.1 speaking enough of the Bot API for the assistant."""

    def __init__(self, token: str):
        self.token = token
        self.calls: list[Call] = []
        self.port = 0
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._query_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._failures: dict[str, list[dict[str, Any]]] = {}
        self._changed = asyncio.Condition()
        self.blocked: set[int] = set()  # chats whose person blocked the bot: sendMessage gets a 403
        self.flood_limit: int | None = None  # sendMessage calls a second before a 429 (Telegram's is ~30)
        self._recent_sends: list[float] = []
        self.limits: TelegramLimits | None = None  # Telegram's per group / private chat / bot limits (429 beyond)
        self.hold_after: int | None = None  # after this many delivered messages, hold further sendMessage calls
        self.held = 0  # sendMessage calls being held now
        self._release = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The server root, as TELEGRAM_API_BASE_URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # ---- what Telegram would deliver --------------------------------------------------------

    def _queue(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        self._pending.append(update)
        task = asyncio.get_running_loop().create_task(self._notify())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return update

    def message(self, sender: dict[str, Any], chat: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Queue a message update (text, voice, photo...) from sender, in their private chat by default."""
        return self._queue(self.new_message(sender, chat, **fields))

    def new_message(self, sender: dict[str, Any], chat: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """A message update (without update_id), not queued: for a webhook POST or for message()."""
        chat = chat or private_chat(sender["id"])
        self._chats[chat["id"]] = chat
        msg = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": sender, **fields}
        text = fields.get("text", "")
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"message": msg}

    def webhook_update(self, sender: dict[str, Any], text: str) -> dict[str, Any]:
        """A typed-message update as Telegram would POST it to a webhook."""
        return {"update_id": next(self._update_ids), **self.new_message(sender, text=text)}

    def text(self, sender: dict[str, Any], text: str, chat: dict[str, Any] | None = None) -> dict[str, Any]:
        """Queue a typed message (a command if it starts with /)."""
        return self.message(sender, chat, text=text)

    def press(self, sender: dict[str, Any], message: dict[str, Any], data: str) -> str:
        """Queue a press on an inline button of a message the bot sent; return the query id."""
        query_id = f"q{next(self._query_ids)}"
        self._queue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": sender,
                    "chat_instance": "ci",
                    "message": message,
                    "data": data,
                }
            }
        )
        return query_id

    def fail_next(self, method: str, error: dict[str, Any]) -> None:
        """Answer the next call of method with this error body (e.g. a 429 with retry_after)."""
        self._failures.setdefault(method.lower(), []).append(error)

    def stop_holding(self) -> None:
        """Hold no further sendMessage calls; those held stay unanswered and undelivered (their sender died)."""
        self.hold_after = None

    def release_held(self) -> None:
        """Let held sendMessage calls through (those whose sender has gone are dropped, never delivered)."""
        self.hold_after = None
        self._release.set()

    def delivered(self, chat_id: int | None = None) -> list[Call]:
        """The sendMessage calls that delivered a message (to chat_id, or to anyone)."""
        return [
            c
            for c in self.calls
            if c.method == "sendmessage" and c.result and (chat_id is None or c.params["chat_id"] == chat_id)
        ]

    def _limited(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """Telegram's answer when the chat blocked the bot (403) or the bot sends too fast (429), else None."""
        if method != "sendmessage":
            return None if self.limits is None or method not in MEDIA_METHODS else self.limits.check(params["chat_id"])
        if params.get("chat_id") in self.blocked:
            return {"error_code": 403, "description": "Forbidden: bot was blocked by the user"}
        if self.limits is not None and (refused := self.limits.check(params.get("chat_id"))) is not None:
            return refused
        if self.flood_limit is not None:
            now = time.monotonic()
            self._recent_sends = [t for t in self._recent_sends if now - t < 1.0]
            if len(self._recent_sends) >= self.flood_limit:
                return {
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                }
            self._recent_sends.append(now)
        return None

    async def _hold(self, request: web.Request) -> bool:
        """Hold a sendMessage past hold_after until released; False if its sender went away meanwhile."""
        if self.hold_after is None or len(self.delivered()) < self.hold_after:
            return True
        self.held += 1
        await self._notify()
        try:
            await self._release.wait()
        finally:
            self.held -= 1
        return not (request.transport is None or request.transport.is_closing())

    # ---- waiting on what the bot did ----------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, ready: Callable[[list[Call]], Any], timeout: float = 90.0) -> Any:
        """Wait until ready(calls) is truthy, return its value; fail after timeout seconds."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: ready(self.calls)), timeout)
            return ready(self.calls)

    def mark(self) -> int:
        """The number of calls so far, to look only at what comes after."""
        return len(self.calls)

    def sent(self, chat_id: int, since: int = 0) -> list[dict[str, Any]]:
        """The messages delivered to chat_id (as Telegram stored them) from call number since on."""
        return [
            c.result
            for c in self.calls[since:]
            if c.method == "sendmessage" and c.params["chat_id"] == chat_id and c.result
        ]

    def media(self, chat_id: int, since: int = 0) -> list[dict[str, Any]]:
        """The media (photos, voice notes...) delivered to chat_id (as Telegram stored them) from call since on."""
        return [
            c.result
            for c in self.calls[since:]
            if c.method in MEDIA_METHODS and c.params["chat_id"] == chat_id and c.result
        ]

    def called(self, method: str, since: int = 0) -> list[Call]:
        """The calls of one method from call number since on."""
        return [c for c in self.calls[since:] if c.method == method.lower()]

    async def replies(
        self, chat_id: int, since: int, count: int | None = None, timeout: float = 90.0
    ) -> list[dict[str, Any]]:
        """Wait for a reply to chat_id: count messages, or (count None) up to one carrying buttons."""

        def ready(calls: list[Call]) -> list[dict[str, Any]] | None:
            got = self.sent(chat_id, since)
            if count is not None:
                return got if len(got) >= count else None
            return got if any("reply_markup" in m for m in got) else None

        return await self.wait_for(ready, timeout)  # type: ignore[no-any-return]

    def stored_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A message the bot sent, as Telegram would include it in a callback query."""
        return self._messages[(chat_id, message_id)]

    # ---- the Bot API ----------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw.update(await request.json())
            return raw
        raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        params: dict[str, Any] = {}
        for key, value in raw.items():
            try:
                params[key] = value if key in STRING_PARAMS else json.loads(value)
            except (TypeError, ValueError):
                params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"].lower()
        call = Call(method, await self._params(request), at=time.monotonic())
        if method == "sendmessage" and not await self._hold(request):
            return web.json_response({"ok": False, "error_code": 499, "description": "client gone"}, status=499)
        limited = self._limited(method, call.params)
        if limited is not None:
            self._failures.setdefault(method, []).insert(0, limited)
        if self._failures.get(method):
            error = self._failures[method].pop(0)
            self.calls.append(call)
            await self._notify()
            return web.json_response({"ok": False, **error}, status=error.get("error_code", 400))
        if method == "getupdates":
            self.calls.append(call)
            await self._notify()
            call.result = await self._get_updates(call.params)
            return web.json_response({"ok": True, "result": call.result})
        call.result = self._result(method, call.params)
        self.calls.append(call)
        await self._notify()
        if call.result is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"}, status=404
            )
        return web.json_response({"ok": True, "result": call.result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._pending = [u for u in self._pending if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self._pending and timeout > 0:
            async with self._changed:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._pending)), timeout)
        return list(self._pending)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getme":
            return BOT_USER
        if method == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method in TRUE_METHODS:
            return True
        if method == "sendmessage":
            chat_id = params["chat_id"]
            chat = self._chats.get(chat_id) or private_chat(chat_id)
            msg = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": chat,
                "from": BOT_USER,
                "text": params["text"],
            }
            if params.get("reply_markup"):
                msg["reply_markup"] = params["reply_markup"]
            self._messages[(chat_id, msg["message_id"])] = msg
            return msg
        if method in MEDIA_METHODS:
            chat_id, kind = params["chat_id"], MEDIA_METHODS[method]
            file = {"file_id": params[kind], "file_unique_id": f"u-{params[kind]}", **MEDIA_FIELDS[kind]}
            msg = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": self._chats.get(chat_id) or private_chat(chat_id),
                "from": BOT_USER,
                kind: [file] if kind == "photo" else file,
            }
            if params.get("caption"):
                msg["caption"] = params["caption"]
            self._messages[(chat_id, msg["message_id"])] = msg
            return msg
        if method in ("editmessagetext", "editmessagereplymarkup"):
            msg = dict(self._messages[(params["chat_id"], params["message_id"])])
            if "text" in params:
                msg["text"] = params["text"]
            msg.pop("reply_markup", None)
            if params.get("reply_markup"):
                msg["reply_markup"] = params["reply_markup"]
            self._messages[(params["chat_id"], params["message_id"])] = msg
            return msg
        return None
