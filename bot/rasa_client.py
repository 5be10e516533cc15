"""Async client for Rasa's REST channel (``/webhooks/rest/webhook``).

Front ends (the Telegram bridge, the terminal chat) send a user's message to Rasa under a
pseudonymous sender id and get Rasa's bot messages back. Each bot message is a dict that may
carry ``text``, ``buttons`` (``[{"title", "payload"}]``), ``image`` and ``custom``.

With several Rasa replicas (sharing a tracker store and a lock store), :class:`RasaPool`
sends each conversation to a stable replica and fails over to the next one when it cannot be
reached; it has the same ``send``/``is_up``/``aclose`` surface as :class:`RasaClient`.

Logs carry status codes and lengths only: never message text or sender ids.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Protocol, Self

import httpx

logger = logging.getLogger(__name__)

REST_WEBHOOK_PATH = "/webhooks/rest/webhook"
DEFAULT_TIMEOUT = 30.0


class RasaError(Exception):
    """Rasa answered, but not with something we can use (4xx, or a malformed body)."""


class RasaUnavailable(RasaError):
    """Rasa could not be reached, timed out, or answered with a server error (5xx)."""


class RasaUnreachable(RasaUnavailable):
    """No connection to Rasa could be made: the message certainly never reached it."""


class RasaSender(Protocol):
    """What the front ends need from a Rasa client (:class:`RasaClient`, :class:`RasaPool`)."""

    async def send(self, sender: str, text: str) -> list[dict[str, Any]]: ...

    async def is_up(self) -> bool: ...

    async def aclose(self) -> None: ...


class _ClosesOnExit:
    """``async with`` support for a client with an ``aclose()``."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class RasaClient(_ClosesOnExit):
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
        connect_attempts: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Create the client; no connection is made until the first request.

        Args:
            base_url: Rasa's address, e.g. ``http://127.0.0.1:5005``.
            timeout: Seconds to wait for Rasa's answer (a first reply after a restart is slow).
            retry_delay: Seconds to wait before retrying after a connection error.
            connect_attempts: How many times to try connecting (1: no retry).
            transport: Optional httpx transport (tests use ``httpx.MockTransport``).
        """
        self.base_url = base_url.rstrip("/")
        self._retry_delay = retry_delay
        self._connect_attempts = max(1, connect_attempts)
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
        )

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
            RasaUnreachable: No connection could be made (the message was not sent).
            RasaUnavailable: Rasa timed out or answered 5xx.
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
        for attempt in range(1, self._connect_attempts + 1):
            try:
                return await self._client.post(REST_WEBHOOK_PATH, json=body)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt == self._connect_attempts:
                    logger.warning("Rasa is unreachable (%s)", type(exc).__name__)
                    raise RasaUnreachable("Rasa is unreachable") from exc
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


def replica_index(sender: str, replicas: int) -> int:
    """The replica a conversation belongs to: a hash of its (pseudonymous) sender id.

    SHA-256 rather than :func:`hash`, which differs between processes: every bridge, and the
    same bridge after a restart, must send a conversation to the same replica.
    """
    digest = hashlib.sha256(sender.encode()).digest()
    return int.from_bytes(digest[:8], "big") % replicas


class RasaPool(_ClosesOnExit):
    """Several Rasa replicas behind one ``send``: each conversation goes to a stable replica.

    The replicas share a tracker store and a lock store, so any of them can take any turn;
    keeping a conversation on one replica keeps its turns in order and spreads the load.
    When a conversation's replica cannot be reached (no connection: the message was never
    sent), the next replica takes the turn. A timeout or a 5xx is *not* tried elsewhere:
    Rasa may already have acted on the message, and sending it again would repeat the turn.

    ::

        async with RasaPool(["http://127.0.0.1:5005", "http://127.0.0.1:5006"]) as rasa:
            replies = await rasa.send(sender, "hello")
    """

    def __init__(
        self,
        base_urls: Sequence[str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        retry_delay: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Create one client per replica; no connection is made until the first request.

        Args:
            base_urls: Every replica's address, in a fixed order (the same in every bridge).
            timeout: Seconds to wait for a replica's answer.
            retry_delay: With a single replica, seconds before its one connection retry.
            transport: Optional httpx transport, shared by the clients (tests).
        """
        if not base_urls:
            raise ValueError("RasaPool needs at least one Rasa URL")
        # One replica: retry the connection once, as RasaClient does. Several: fail over to
        # the next replica at once instead of waiting for a dead one.
        attempts = 2 if len(base_urls) == 1 else 1
        self.clients = [
            RasaClient(
                url,
                timeout=timeout,
                retry_delay=retry_delay,
                connect_attempts=attempts,
                transport=transport,
            )
            for url in base_urls
        ]

    @property
    def base_urls(self) -> list[str]:
        return [client.base_url for client in self.clients]

    @property
    def base_url(self) -> str:
        """The first replica's address (what a single-server caller would use)."""
        return self.clients[0].base_url

    async def aclose(self) -> None:
        """Close every replica's HTTP connections."""
        for client in self.clients:
            await client.aclose()

    def replica_for(self, sender: str) -> int:
        """Index of the replica that takes ``sender``'s turns while it is reachable."""
        return replica_index(sender, len(self.clients))

    async def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        """Send one message to the conversation's replica (or the next reachable one).

        Raises:
            RasaUnreachable: No replica could be reached.
            RasaUnavailable: The replica timed out or answered 5xx (not tried elsewhere).
            RasaError: The replica answered 4xx or with a malformed body.
        """
        home = self.replica_for(sender)
        count = len(self.clients)
        for step in range(count):
            index = (home + step) % count
            try:
                return await self.clients[index].send(sender, text)
            except RasaUnreachable:
                if count == 1:
                    raise
                if step == count - 1:
                    break
                logger.warning(
                    "Rasa replica %d of %d is unreachable; trying replica %d",
                    index + 1, count, (index + 1) % count + 1,
                )  # fmt: skip
        raise RasaUnreachable(f"none of the {count} Rasa replicas is reachable")

    async def is_up(self) -> bool:
        """Whether at least one replica answers ``GET /``."""
        return any(await self.replicas_up())

    async def replicas_up(self) -> list[bool]:
        """For each replica, whether it answers ``GET /``."""
        return list(await asyncio.gather(*(client.is_up() for client in self.clients)))
