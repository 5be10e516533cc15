"""Rasa's Redis lock store, made safe for several Rasa servers. Runs inside Rasa's venv.

Rasa 3.6's ``RedisLockStore`` keeps each conversation's ticket lock as one JSON value and
changes it by read, modify, write. Two Rasa servers that take a message of the same
conversation at the same moment can both read the lock before either writes it: both get the
same ticket number, both think it is their turn, both run the turn on the same stored
conversation, and one turn's events are lost (RasaHQ/rasa#9213; a fix, #11256, was reverted).
Measured here: two simultaneous turns of one conversation on two replicas kept only one of
them, now and then (``tests/e2e/test_scale_out.py``).

This store makes every read-modify-write of a conversation's lock (issuing a ticket, dropping
expired ones, finishing and cleaning up) run under a short Redis mutex for that conversation
(redis-py's ``Lock``: ``SET NX PX`` with a token, released by a script), so two servers take
turns. The bridge still sends each chat to one replica; this covers failover and any other
client that does not.
"""

from __future__ import annotations

from typing import Any

from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A lock's read-modify-write takes a few milliseconds; these bound a stuck holder.
MUTEX_TIMEOUT_S = 5.0
MUTEX_WAIT_S = 10.0
MUTEX_POLL_S = 0.002


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose lock updates are atomic across Rasa servers."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by module path
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _mutex(self, conversation_id: str) -> Any:
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex",
            timeout=MUTEX_TIMEOUT_S,
            blocking_timeout=MUTEX_WAIT_S,
            sleep=MUTEX_POLL_S,
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
