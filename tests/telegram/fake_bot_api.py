"""A small fake Telegram Bot API server for tests (standard library only).

It speaks enough of the Bot API for python-telegram-bot to poll, send and edit messages::

    with FakeBotApi(token="123:ABC") as api:
        # point the bot at it: ApplicationBuilder().base_url(api.base_url)
        #                                         .base_file_url(api.base_file_url)
        # or set TELEGRAM_API_BASE_URL=api.server_url for bot.telegram.app.build_application
        api.push_text(42, "hello")
        messages = api.wait_for_messages(42, 1, timeout=5)

Requests are parsed whether they arrive as JSON, urlencoded or multipart form data. PTB 22
sends ``application/x-www-form-urlencoded`` (multipart when uploading files), with every
non-string value (numbers, booleans, ``reply_markup``…) JSON-encoded as a string; those values
are decoded back, so ``api.sent[0]["reply_markup"]`` is a dict.

The ``wait_for_*`` helpers block the calling thread on a :class:`threading.Condition`; from
async tests use the ``*_async`` variants so the event loop (and the bot) keeps running.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

JSON = dict[str, Any]

# Parameters PTB sends as plain strings: never JSON-decode them ("123" must stay a string).
_STRING_PARAMS = {
    "text",
    "caption",
    "callback_query_id",
    "action",
    "parse_mode",
    "inline_message_id",
    "url",
    "photo",
    "document",
    "audio",
    "video",
    "voice",
    "animation",
    "sticker",
    "language_code",
    "description",
    "short_description",
    "name",
    "title",
    "emoji",
    "question",
    "secret_token",
    "business_connection_id",
    "message_effect_id",
    "file_id",
}

_DEFAULT_TIMEOUT = 5.0


class FakeBotApi:
    """A threaded HTTP server that pretends to be ``api.telegram.org`` for one bot token.

    Attributes:
        calls: Names of the API methods called, in order (``getUpdates`` included).
        requests: ``(method, params)`` for every call, in order.
        sent: Every ``sendMessage`` call as a dict (``chat_id``, ``text``, ``reply_markup`` as a
            dict or ``None``, plus the ``message_id`` the fake gave the message).
    """

    def __init__(self, token: str = "123:ABC", bot_username: str = "CoachTestBot") -> None:
        """Prepare the fake; the server starts on ``__enter__`` (or :meth:`start`).

        Args:
            token: The only token the fake accepts (others get 404, as from Telegram).
            bot_username: The username ``getMe`` reports.
        """
        self.token = token
        self.bot_user: JSON = {
            "id": int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1,
            "is_bot": True,
            "first_name": "Coach",
            "username": bot_username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[str] = []
        self.requests: list[tuple[str, JSON]] = []
        self.sent: list[JSON] = []
        self._cond = threading.Condition()
        self._queue: list[tuple[JSON, bool]] = []  # (update, forced past the offset)
        self._history: dict[int, JSON] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._chats: dict[int, JSON] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._failures: dict[str, list[tuple[int, int | None, str]]] = {}
        self._late: dict[str, list[float]] = {}  # method → seconds (answer_late)
        self._closed = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> FakeBotApi:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start serving on a free loopback port."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="FakeBotApi",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Wake any long poll and stop the server."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def server_url(self) -> str:
        """The server root, e.g. ``http://127.0.0.1:PORT`` (what TELEGRAM_API_BASE_URL takes)."""
        assert self._server is not None, "start the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        """What PTB's ``base_url`` takes: PTB appends the token, giving ``…/bot<token>``."""
        return f"{self.server_url}/bot"

    @property
    def base_file_url(self) -> str:
        """What PTB's ``base_file_url`` takes."""
        return f"{self.server_url}/file/bot"

    # --- pushing updates ------------------------------------------------------------------

    def push_update(self, update: JSON) -> int:
        """Queue an update for ``getUpdates`` and return its ``update_id``.

        Without ``update_id`` the next id is assigned. With the id of an update pushed before,
        the update is a repeat: it is delivered once more even though its id is below the
        offset the bot has confirmed (as Telegram does after a lost confirmation).
        """
        with self._cond:
            update = dict(update)
            if "update_id" not in update:
                update["update_id"] = next(self._update_ids)
            update_id = update["update_id"]
            forced = update_id in self._history
            self._history[update_id] = update
            self._queue.append((update, forced))
            self._cond.notify_all()
            return update_id

    def push_duplicate(self, update_id: int) -> int:
        """Deliver an already pushed update again, with the same ``update_id``."""
        with self._cond:
            update = self._history[update_id]
        return self.push_update(update)

    def push_text(
        self,
        chat_id: int,
        text: str,
        chat_type: str = "private",
        *,
        user_id: int | None = None,
    ) -> int:
        """Push a text message (a channel post for ``chat_type="channel"``); return its id."""
        message = self._user_message(chat_id, chat_type, user_id)
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        key = "channel_post" if chat_type == "channel" else "message"
        return self.push_update({key: message})

    def push_edited_text(self, chat_id: int, message_id: int, text: str) -> int:
        """Push an ``edited_message`` for a private chat; return its update id."""
        message = self._user_message(chat_id, "private", None)
        message.update(message_id=message_id, text=text, edit_date=int(time.time()))
        return self.push_update({"edited_message": message})

    def push_sticker(self, chat_id: int, chat_type: str = "private") -> int:
        """Push a sticker message; return its update id."""
        message = self._user_message(chat_id, chat_type, None)
        message["sticker"] = {
            "file_id": "sticker-file",
            "file_unique_id": "sticker-unique",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self.push_update({"message": message})

    def push_photo(self, chat_id: int, caption: str | None = None) -> int:
        """Push a photo message (optionally captioned); return its update id."""
        message = self._user_message(chat_id, "private", None)
        message["photo"] = [
            {"file_id": "photo-file", "file_unique_id": "photo-unique", "width": 90, "height": 90}
        ]
        if caption is not None:
            message["caption"] = caption
        return self.push_update({"message": message})

    def push_callback(
        self,
        chat_id: int,
        data: str,
        message_id: int,
        chat_type: str = "private",
        *,
        inaccessible: bool = False,
    ) -> int:
        """Push a button press on message ``message_id``; return its update id.

        With ``inaccessible=True`` the message comes as Telegram sends one older than 48 hours
        (``date`` 0, chat and id only; PTB reports ``is_accessible`` as ``False``).
        """
        with self._cond:
            message = self._messages.get((chat_id, message_id))
        if inaccessible:
            message = {"message_id": message_id, "date": 0, "chat": self._chat(chat_id, chat_type)}
        elif message is None:
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat(chat_id, chat_type),
                "from": self.bot_user,
                "text": "…",
            }
        user = self._user(chat_id if chat_type == "private" else 4242)
        query = {
            "id": f"cbq-{next(self._message_ids)}",
            "from": user,
            "chat_instance": f"instance-{chat_id}",
            "message": message,
            "data": data,
        }
        return self.push_update({"callback_query": query})

    # --- faults ---------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        description: str | None = None,
    ) -> None:
        """Make the next call to ``method`` fail once (429 with ``retry_after`` by default)."""
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else f"Error {status}"
            )
        with self._cond:
            self._failures.setdefault(method, []).append((status, retry_after, description))

    def answer_late(self, method: str, seconds: float) -> None:
        """Handle the next call to ``method`` as usual but answer only after ``seconds``.

        Telegram got the request and acted on it (a message counts as sent), but a client
        whose read timeout is shorter gives up before the answer: it cannot tell whether the
        call worked. Combine with :meth:`fail_next` for a slow failure.
        """
        with self._cond:
            self._late.setdefault(method, []).append(seconds)

    def _lateness(self, method: str) -> float:
        with self._cond:
            queue = self._late.get(method)
            return queue.pop(0) if queue else 0.0

    @contextlib.contextmanager
    def together(self) -> Iterator[None]:
        """Updates pushed inside the block reach the bot in one ``getUpdates`` answer.

        A long poll cannot return while the block holds the fake's lock, so messages sent
        "at the same instant" arrive as one batch, as Telegram delivers them.
        """
        with self._cond:
            yield

    # --- inspecting -----------------------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[JSON]:
        """Return the ``sendMessage`` calls made to a chat so far."""
        with self._cond:
            return [m for m in self.sent if m.get("chat_id") == chat_id]

    def calls_to(self, method: str) -> list[JSON]:
        """Return the parameters of every call to ``method`` so far."""
        with self._cond:
            return [params for name, params in self.requests if name == method]

    def keyboard_of(self, chat_id: int, message_id: int) -> JSON | None:
        """Return the inline keyboard a sent message has now (``None`` once removed)."""
        with self._cond:
            return self._messages.get((chat_id, message_id), {}).get("reply_markup")

    def wait_for_messages(
        self, chat_id: int, n: int, timeout: float = _DEFAULT_TIMEOUT
    ) -> list[JSON]:
        """Block until at least ``n`` messages were sent to ``chat_id``; return them all.

        Raises:
            TimeoutError: If fewer than ``n`` arrive within ``timeout`` seconds.
        """
        return self._wait(lambda: self.messages_to(chat_id), n, timeout, f"messages to {chat_id}")

    def wait_for_calls(
        self, method: str, n: int = 1, timeout: float = _DEFAULT_TIMEOUT
    ) -> list[JSON]:
        """Block until ``method`` was called at least ``n`` times; return all its calls.

        Raises:
            TimeoutError: If it is called fewer than ``n`` times within ``timeout`` seconds.
        """
        return self._wait(lambda: self.calls_to(method), n, timeout, f"calls to {method}")

    async def wait_for_messages_async(
        self, chat_id: int, n: int, timeout: float = _DEFAULT_TIMEOUT
    ) -> list[JSON]:
        """:meth:`wait_for_messages` in a worker thread, for use inside the bot's event loop."""
        return await asyncio.to_thread(self.wait_for_messages, chat_id, n, timeout)

    async def wait_for_calls_async(
        self, method: str, n: int = 1, timeout: float = _DEFAULT_TIMEOUT
    ) -> list[JSON]:
        """:meth:`wait_for_calls` in a worker thread, for use inside the bot's event loop."""
        return await asyncio.to_thread(self.wait_for_calls, method, n, timeout)

    def _wait(self, get: Callable[[], list[JSON]], n: int, timeout: float, what: str) -> list[JSON]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(get()) >= n, timeout):
                raise TimeoutError(f"expected {n} {what} within {timeout}s, got {len(get())}")
            return get()

    # --- the API --------------------------------------------------------------------------

    def handle(self, method: str, params: JSON) -> tuple[int, JSON]:
        """Answer one Bot API call: ``(HTTP status, JSON body)``."""
        with self._cond:
            self.calls.append(method)
            self.requests.append((method, params))
            self._cond.notify_all()
            failures = self._failures.get(method)
            if failures:
                status, retry_after, description = failures.pop(0)
                body: JSON = {"ok": False, "error_code": status, "description": description}
                if retry_after is not None:
                    body["parameters"] = {"retry_after": retry_after}
                return status, body
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        handler = getattr(self, f"_api_{method.lower()}", None)
        result = handler(params) if handler else True
        return 200, {"ok": True, "result": result}

    def _get_updates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        with self._cond:
            # An update is confirmed (gone for good) once the bot asks for a higher offset.
            self._queue = [(u, f) for u, f in self._queue if f or u["update_id"] >= offset]
            self._cond.wait_for(lambda: self._closed or bool(self._queue), timeout)
            batch = sorted(self._queue, key=lambda item: item[0]["update_id"])[:limit]
            delivered_forced = {id(u) for u, forced in batch if forced}
            self._queue = [(u, f) for u, f in self._queue if id(u) not in delivered_forced]
            return [update for update, _ in batch]

    def _api_getme(self, params: JSON) -> JSON:
        return self.bot_user

    def _api_deletewebhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            with self._cond:
                self._queue.clear()
        return True

    def _api_getwebhookinfo(self, params: JSON) -> JSON:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _api_sendmessage(self, params: JSON) -> JSON:
        message = self._bot_message(params, text=str(params.get("text", "")))
        with self._cond:
            self.sent.append(
                {
                    "chat_id": params.get("chat_id"),
                    "text": params.get("text"),
                    "reply_markup": params.get("reply_markup"),
                    "message_id": message["message_id"],
                    "params": params,
                }
            )
            self._cond.notify_all()
        return message

    def _api_sendphoto(self, params: JSON) -> JSON:
        photo = [{"file_id": "sent-photo", "file_unique_id": "sent-photo", "width": 1, "height": 1}]
        return self._bot_message(params, photo=photo)

    def _api_senddocument(self, params: JSON) -> JSON:
        document = {"file_id": "sent-document", "file_unique_id": "sent-document"}
        return self._bot_message(params, document=document)

    def _api_editmessagereplymarkup(self, params: JSON) -> JSON | bool:
        if "inline_message_id" in params:
            return True
        key = (params.get("chat_id"), params.get("message_id"))
        with self._cond:
            message = self._messages.get(key)  # type: ignore[arg-type]
            if message is None:
                message = {
                    "message_id": params.get("message_id"),
                    "date": int(time.time()),
                    "chat": self._chat(int(params.get("chat_id") or 0), "private"),
                    "from": self.bot_user,
                }
                self._messages[key] = message  # type: ignore[index]
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            message["edit_date"] = int(time.time())
            return dict(message)

    # --- building objects -----------------------------------------------------------------

    def _chat(self, chat_id: int, chat_type: str) -> JSON:
        with self._cond:
            known = self._chats.get(chat_id)
            if known is not None:
                return known
            if chat_type == "private":
                chat: JSON = {"id": chat_id, "type": "private", "first_name": "Test"}
            else:
                chat = {"id": chat_id, "type": chat_type, "title": f"Test {chat_type}"}
            self._chats[chat_id] = chat
            return chat

    @staticmethod
    def _user(user_id: int) -> JSON:
        return {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "en"}

    def _user_message(self, chat_id: int, chat_type: str, user_id: int | None) -> JSON:
        message: JSON = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type),
        }
        if chat_type != "channel":
            default_user = chat_id if chat_type == "private" else 4242
            message["from"] = self._user(user_id if user_id is not None else default_user)
        return message

    def _bot_message(self, params: JSON, **content: Any) -> JSON:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int):
            chat = self._chat(chat_id, "private" if chat_id > 0 else "group")
        else:  # "@channelname"
            chat = {"id": -1, "type": "channel", "title": str(chat_id)}
        message: JSON = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            **content,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        with self._cond:
            self._messages[(chat["id"], message["message_id"])] = message
        return dict(message)


# --- HTTP plumbing ------------------------------------------------------------------------


def _decode(name: str, raw: str) -> Any:
    if name in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def parse_params(content_type: str, body: bytes, query: str = "") -> JSON:
    """Parse Bot API parameters from a query string and a JSON, urlencoded or multipart body."""
    params: JSON = {
        k: _decode(k, v[-1]) for k, v in parse_qs(query, keep_blank_values=True).items()
    }
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if media_type == "application/json":
        params.update(json.loads(body))
    elif media_type == "application/x-www-form-urlencoded":
        form = parse_qs(body.decode(), keep_blank_values=True)
        params.update({k: _decode(k, v[-1]) for k, v in form.items()})
    elif media_type == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                params[name] = {
                    "filename": filename,
                    "size": len(payload),
                    "content": payload.decode(errors="replace"),
                }
            else:
                params[name] = _decode(name, payload.decode())
    return params


def _make_handler(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    prefix = f"/bot{api.token}/"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server looks for
            self._serve(b"")

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            self._serve(self.rfile.read(length))

        def _serve(self, body: bytes) -> None:
            url = urlsplit(self.path)
            if not url.path.startswith(prefix):
                status, answer = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            else:
                method = url.path[len(prefix) :]
                params = parse_params(self.headers.get("Content-Type", ""), body, url.query)
                late = api._lateness(method)
                status, answer = api.handle(method, params)
                time.sleep(late)  # answer_late: the call is handled, its answer delayed
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the bot gave up on a long poll while stopping

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # keep test output quiet

    return Handler


@contextlib.asynccontextmanager
async def polling(app: Any) -> AsyncIterator[Any]:
    """Run a built PTB ``Application`` as ``run_polling`` would, for the length of a block.

    PTB calls ``post_init``/``post_shutdown`` only inside ``run_polling``: do what it does.
    """
    async with app:
        await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.post_shutdown(app)
