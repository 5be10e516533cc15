"""A stand-in for Rasa's REST channel, for tests of the front ends (not of Rasa itself).

A real HTTP server on a loopback port, in a thread: ``GET /`` answers as Rasa does, and each
``POST /webhooks/rest/webhook`` goes to :meth:`StandInRasa.answer`, which a subclass writes.
``stop()`` closes the port and ``start()`` opens the same one again (a replica going down and
coming back).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

WEBHOOK_PATH = "/webhooks/rest/webhook"


class StandInRasa:
    """Rasa's REST channel on ``127.0.0.1``; subclasses decide what each message gets."""

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        """The status and JSON payload for one message (``{"sender", "message"}``)."""
        raise NotImplementedError

    def start(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server looks for
                self._reply(200, "Hello from Rasa: 3.6.21")

            def do_POST(self) -> None:  # noqa: N802
                if self.path != WEBHOOK_PATH:
                    self._reply(404, {"error": "not found"})
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                self._reply(*stand_in.answer(body))

            def _reply(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (timeout tests)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler


def replies_to(body: dict[str, Any], messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa's bot messages for ``body``'s sender."""
    return [{"recipient_id": body["sender"], **message} for message in messages]
