"""Short-lived view tokens: what lets the plan page offer downloads without the share code.

After a right code, the page gets a random token (256 bits) in its download forms. The token is
kept only in this process's memory, only as a hash, bound to the person's pseudonym, and it
expires after a few minutes or when the worker presses "close". The share code itself is never
kept, and neither ever appears in a URL.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

TOKEN_SECONDS = 10 * 60.0
MAX_VIEWS = 1000


@dataclass(frozen=True)
class View:
    """A plan opened with a right code: whose it is, who opened it, and until when."""

    pseudonym: str
    who: str | None
    expires: float


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ViewTokens:
    """Random tokens for opened plans, expiring after ``ttl`` seconds (thread-safe)."""

    def __init__(
        self,
        ttl: float = TOKEN_SECONDS,
        max_views: int = MAX_VIEWS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_views = max_views
        self._clock = clock
        self._lock = threading.Lock()
        self._views: OrderedDict[str, View] = OrderedDict()  # oldest first

    def issue(self, pseudonym: str, who: str | None = None) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            now = self._clock()
            self._drop_expired(now)
            while len(self._views) >= self.max_views:  # a ceiling on memory: oldest go first
                self._views.popitem(last=False)
            self._views[_key(token)] = View(pseudonym, who, now + self.ttl)
        return token

    def get(self, token: str) -> View | None:
        """The view a token stands for, or ``None`` if it is unknown, expired or closed."""
        if not token:
            return None
        with self._lock:
            view = self._views.get(_key(token))
            if view is None:
                return None
            if view.expires <= self._clock():
                del self._views[_key(token)]
                return None
            return view

    def close(self, token: str) -> bool:
        """Forget a token now; returns whether it was open."""
        with self._lock:
            return self._views.pop(_key(token), None) is not None if token else False

    def __len__(self) -> int:
        with self._lock:
            self._drop_expired(self._clock())
            return len(self._views)

    def _drop_expired(self, now: float) -> None:
        while self._views:
            key, view = next(iter(self._views.items()))
            if view.expires > now:
                break
            del self._views[key]


__all__ = ["MAX_VIEWS", "TOKEN_SECONDS", "View", "ViewTokens"]
