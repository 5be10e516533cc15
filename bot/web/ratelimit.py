"""Limits on wrong share codes: per client address and for everyone, kept in memory.

A share code has 128 random bits, so guessing one is hopeless; the limits are there so nobody can
try codes in bulk, and so a mistyped code costs little. How it works:

* every check of a code first takes a *ticket*. A ticket is refused when the client already has
  ``per_client`` wrong codes (plus checks still running) in the last ``window`` seconds, or when
  everyone together has ``overall`` — the global ceiling;
* when the check is done the ticket is released: a wrong code is remembered (with its time), a
  right one is not. Checks still running count against the limits, so a burst of parallel
  requests cannot slip past them;
* a refused attempt is not checked at all, so it reveals nothing, and it does not extend the wait.

A correct code from one address is never blocked by wrong codes from another, unless together they
reach the global ceiling. Everything is guarded by one lock: the web server calls it from its event
loop and from worker threads alike.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

PER_CLIENT = 5
OVERALL = 100
WINDOW_SECONDS = 15 * 60.0


@dataclass
class Ticket:
    """Permission to check one code; hand it back with ``release``."""

    client: str
    released: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Refusal:
    """Why a check was refused, and how many whole seconds until one may be tried again."""

    scope: Literal["client", "everyone"]
    retry_after: int


class WrongCodeLimiter:
    """Sliding-window limits on wrong codes, per client and overall (thread-safe)."""

    def __init__(
        self,
        per_client: int = PER_CLIENT,
        overall: int = OVERALL,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_client < 1 or overall < 1 or window <= 0:
            raise ValueError("limits and the window must be positive")
        self.per_client = per_client
        self.overall = overall
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._wrong: dict[str, deque[float]] = {}  # client -> times of its wrong codes
        self._all_wrong: deque[float] = deque()  # times of everyone's wrong codes
        self._pending: dict[str, int] = {}  # client -> checks still running
        self._pending_total = 0

    # --- public ------------------------------------------------------------------------------

    def acquire(self, client: str) -> Ticket | Refusal:
        """A ticket to check one code from ``client``, or why not."""
        with self._lock:
            now = self._clock()
            self._forget_old(now)
            if len(self._all_wrong) + self._pending_total >= self.overall:
                return Refusal("everyone", self._wait(self._all_wrong, now))
            mine = self._recent(client, now)
            if len(mine) + self._pending.get(client, 0) >= self.per_client:
                return Refusal("client", self._wait(mine, now))
            self._pending[client] = self._pending.get(client, 0) + 1
            self._pending_total += 1
            return Ticket(client)

    def release(self, ticket: Ticket, *, wrong: bool) -> None:
        """Hand the ticket back; ``wrong`` when the code did not open a plan. Idempotent."""
        with self._lock:
            if ticket.released:
                return
            ticket.released = True
            left = self._pending.get(ticket.client, 1) - 1
            if left > 0:
                self._pending[ticket.client] = left
            else:
                self._pending.pop(ticket.client, None)
            self._pending_total -= 1
            if wrong:
                now = self._clock()
                self._wrong.setdefault(ticket.client, deque()).append(now)
                self._all_wrong.append(now)

    def wrong_codes(self, client: str | None = None) -> int:
        """Wrong codes in the current window: for one client, or for everyone."""
        with self._lock:
            self._forget_old(self._clock())
            if client is None:
                return len(self._all_wrong)
            return len(self._recent(client, self._clock()))

    def clients_tracked(self) -> int:
        """How many client addresses are remembered (bounded by the global ceiling)."""
        with self._lock:
            self._forget_old(self._clock())
            return len(self._wrong)

    # --- inside the lock ---------------------------------------------------------------------

    def _forget_old(self, now: float) -> None:
        cutoff = now - self.window
        while self._all_wrong and self._all_wrong[0] <= cutoff:
            self._all_wrong.popleft()
        # Every remembered client has at least one wrong code in the window, so there can be no
        # more of them than wrong codes overall; more means some are stale: sweep them out.
        if len(self._wrong) > len(self._all_wrong):
            for client in list(self._wrong):
                self._recent(client, now)

    def _recent(self, client: str, now: float) -> deque[float]:
        """The client's wrong codes still in the window (forgetting the client if none)."""
        times = self._wrong.get(client)
        if times is None:
            return deque()
        cutoff = now - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._wrong[client]
        return times

    def _wait(self, times: deque[float], now: float) -> int:
        """Seconds until the oldest wrong code in ``times`` leaves the window (at least 1)."""
        if not times:  # full of checks still running: they finish in moments
            return 1
        return max(1, math.ceil(times[0] + self.window - now))


__all__ = ["OVERALL", "PER_CLIENT", "WINDOW_SECONDS", "Refusal", "Ticket", "WrongCodeLimiter"]
