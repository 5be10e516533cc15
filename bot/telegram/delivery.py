"""Sending to Telegram: every message once, in order, through brief Telegram trouble.

PTB's ``AIORateLimiter`` (set in ``build_application``) waits and retries when Telegram
answers 429 with ``retry_after``. Every other failure PTB raises at once; :func:`deliver`
decides what to do with it, by whether Telegram can have received the request:

* **It did not.** Telegram answered with a server error (500, 502 Bad Gateway, 503, 504:
  the Bot API's way of saying it did not handle the request), or the request never left this
  machine (connection refused, connect or pool timeout). Tried again up to three times,
  after 0.5, 1 and 2 s.
* **It may have.** No answer in time after the request was sent (read or write timeout), or
  the connection dropped mid-way. Telegram may have delivered the message, and the Bot API
  has no way to ask or to send idempotently, so a message is *not* sent again: the person
  may miss one message (it is logged), but never gets the same one twice, and the messages
  after it still follow in order. Calls that are safe to repeat (``idempotent=True``:
  removing a keyboard, answering a button press) are tried again as above.
* **It was refused** (400 Bad Request, 403 the person blocked the bot, 429 after the rate
  limiter gave up): raised at once. A turn's later messages are then not sent, so the person
  never sees a later message without an earlier one.

Logs name the method and the error type only, never text or chat ids.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds to wait before each further attempt after a failure Telegram did not act on.
RETRY_DELAYS: tuple[float, ...] = (0.5, 1.0, 2.0)

# httpx errors raised before any byte of the request reached Telegram.
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def not_received(error: TelegramError) -> bool:
    """Whether Telegram certainly did not act on the request that failed with ``error``.

    PTB raises a plain :class:`~telegram.error.NetworkError` for an HTTP error status it has
    no better class for (5xx), with no ``__cause__`` (or the JSON parsing error); for a
    transport failure it chains the httpx error as the cause.
    """
    if isinstance(error, RetryAfter):
        return False  # the rate limiter's business; reaching here means it gave up
    cause = error.__cause__
    if isinstance(cause, _NEVER_SENT):
        return True
    return type(error) is NetworkError and (cause is None or isinstance(cause, TelegramError))


def maybe_received(error: TelegramError) -> bool:
    """Whether the request may have reached Telegram although no answer came back."""
    if not_received(error):
        return False
    return isinstance(error, TimedOut) or type(error) is NetworkError


async def deliver(
    call: Callable[..., Awaitable[T]],
    *args: Any,
    idempotent: bool = False,
    **kwargs: Any,
) -> T | None:
    """Make one Bot API call, trying again where that cannot repeat anything.

    Args:
        call: A bound bot method, e.g. ``bot.send_message``.
        *args: Its positional arguments.
        idempotent: Whether repeating the call is harmless (then it is also tried again
            when Telegram may have received it).
        **kwargs: Its keyword arguments.

    Returns:
        What the call returned, or ``None`` when a call that is not idempotent may or may
        not have reached Telegram (it is not repeated).

    Raises:
        TelegramError: Telegram refused the call, or still failed after the retries.
    """
    method = getattr(call, "__name__", "call")
    for delay in (*RETRY_DELAYS, None):
        try:
            return await call(*args, **kwargs)
        except TelegramError as error:
            if maybe_received(error) and not idempotent:
                logger.warning(
                    "Telegram may have received %s (%s); not sending it again",
                    method,
                    type(error).__name__,
                )
                return None
            if delay is None or not (not_received(error) or maybe_received(error)):
                raise
            logger.info(
                "Telegram did not take %s (%s); trying again in %.1f s",
                method,
                type(error).__name__,
                delay,
            )
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
