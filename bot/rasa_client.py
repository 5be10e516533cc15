"""Async client for Rasa's REST channel (``/webhooks/rest/webhook``).

Front ends (the Telegram bridge, the terminal chat) send a user's message to Rasa under a
pseudonymous sender id and get Rasa's bot messages back. Each bot message is a dict that may
carry ``text``, ``buttons`` (``[{"title", "payload"}]``), ``image`` and ``custom``.

Logs carry status codes and lengths only: never message text or sender ids.
"""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from typing import Any, Self

import httpx

logger = logging.getLogger(__name__)

REST_WEBHOOK_PATH = "/webhooks/rest/webhook"
DEFAULT_TIMEOUT = 30.0


class RasaError(Exception):
    """Rasa answered, but not with something we can use (4xx, or a malformed body)."""


class RasaUnavailable(RasaError):
    """Rasa could not be reached, timed out, or answered with a server error (5xx)."""


class RasaClient:
    """One long-lived HTTP client for a Rasa server.

    Use it as an async context manager, or call :meth:`aclose` when done::

        async with RasaClient("http://127.0.0.1:5005") as rasa:
            replies = await rasa.send(sender, "hello")
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry_delay: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Create the client; no connection is made until the first request.

        Args:
            base_url: Rasa's address, e.g. ``http://127.0.0.1:5005``.
            timeout: Seconds to wait for Rasa's answer (a first reply after a restart is slow).
            retry_delay: Seconds to wait before the single retry after a connection error.
            transport: Optional httpx transport (tests use ``httpx.MockTransport``).
        """
        self.base_url = base_url.rstrip("/")
        self._retry_delay = retry_delay
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying HTTP connections."""
        await self._client.aclose()

    async def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        """Send one user message to Rasa and return Rasa's bot messages, in order.

        Connection errors are retried once (the message never reached Rasa, so it is safe);
        a timeout while waiting for the answer is not retried, because Rasa may have acted on
        the message already.

        Args:
            sender: Pseudonymous sender id (never a raw chat id).
            text: The user's message, or a button payload such as ``/affirm``.

        Returns:
            Rasa's bot messages (possibly empty).

        Raises:
            RasaUnavailable: Rasa could not be reached, timed out or answered 5xx.
            RasaError: Rasa answered 4xx or with a body that is not a list of objects.
        """
        body = {"sender": sender, "message": text}
        response = await self._post_with_retry(body)
        if response.status_code >= 500:
            logger.warning("Rasa answered %d", response.status_code)
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        if response.status_code >= 400:
            logger.error("Rasa refused the message: %d", response.status_code)
            raise RasaError(f"Rasa answered {response.status_code}")
        try:
            messages = response.json()
        except ValueError as exc:
            logger.error("Rasa's answer was not JSON (%d bytes)", len(response.content))
            raise RasaError("Rasa's answer was not JSON") from exc
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            logger.error("Rasa's answer was not a list of messages")
            raise RasaError("Rasa's answer was not a list of messages")
        logger.debug("Rasa answered %d with %d messages", response.status_code, len(messages))
        return messages

    async def _post_with_retry(self, body: dict[str, str]) -> httpx.Response:
        for attempt in (1, 2):
            try:
                return await self._client.post(REST_WEBHOOK_PATH, json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt == 2:
                    logger.warning("Rasa is unreachable (%s)", type(exc).__name__)
                    raise RasaUnavailable("Rasa is unreachable") from exc
                logger.info("Could not connect to Rasa (%s); retrying once", type(exc).__name__)
                await asyncio.sleep(self._retry_delay)
            except httpx.HTTPError as exc:
                logger.warning("Rasa did not answer (%s)", type(exc).__name__)
                raise RasaUnavailable("Rasa did not answer") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def is_up(self) -> bool:
        """Return whether Rasa answers ``GET /`` with a success status."""
        try:
            response = await self._client.get("/")
        except httpx.HTTPError as exc:
            logger.debug("Rasa health check failed (%s)", type(exc).__name__)
            return False
        return response.is_success
