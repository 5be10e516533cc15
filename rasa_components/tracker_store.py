"""Rasa's SQL tracker store, made to ride out a database restart. Runs inside Rasa's venv.

Loaded by Rasa itself (``endpoints.yml``: ``tracker_store: type:
rasa_components.tracker_store.ReconnectingSQLTrackerStore``), so it imports only Rasa and
the SQLAlchemy 1.4 that Rasa pins, and must stay valid on Python 3.10.

Measured with rasa 3.6.21 and PostgreSQL: after the database restarts, Rasa's own store
takes a dead connection from its pool for the next message; the read fails, and Rasa's
``FailSafeTrackerStore`` swallows the error and starts a *new, empty* conversation. The
person is answered "Sorry, I didn't quite follow that", their answer is lost, and a
conversation with few events can even be cut short by the new session's events. This store:

* checks each pooled connection before use (``pool_pre_ping``), so a closed one is replaced;
* tries a failed read or save again for a few seconds while the server is down or starting
  (both are safe to repeat: saving adds only the events not stored yet);
* if the database is still unreachable, fails the whole message rather than carry on without
  the conversation: Rasa closes the request without an answer, and the front ends tell the
  person their answers so far are safe and to try again.

Proven by ``tests/faults/test_servers_fail.py`` (PostgreSQL restarted, and down for longer).
"""

import asyncio
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_components import speedups

logger = logging.getLogger(__name__)

# Seconds to wait before each further attempt: about 6 s in all, as for the record's store.
RETRY_DELAYS = (0.25, 0.5, 1.0, 2.0, 2.0)

# Every Rasa server of this project loads this module at start-up (endpoints.yml), so this is
# where Rasa's per-turn hot paths get their caches.
speedups.install()


class TrackerStoreUnavailable(BaseException):
    """The conversation could not be read or saved: the message must fail, not carry on.

    A ``BaseException`` on purpose: Rasa's ``FailSafeTrackerStore`` catches every
    ``Exception`` here and carries on with an empty conversation, and its REST channel turns
    any ``Exception`` into the replies collected so far (after a failed save, replies to a
    turn that was never stored). This one reaches the web server, which closes the request
    unanswered; the lock on the conversation is released on the way out.
    """


class ReconnectingSQLTrackerStore(SQLTrackerStore):
    """:class:`SQLTrackerStore` with pre-pinged connections and a bounded retry."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        parent = super()._retrieve
        return await _patiently("read", lambda: parent(sender_id, fetch_events_from_all_sessions))

    async def save(self, tracker: DialogueStateTracker) -> None:
        parent = super().save
        await _patiently("save", lambda: parent(tracker))


async def _patiently(what: str, attempt: Any) -> Any:
    for delay in (*RETRY_DELAYS, None):
        try:
            return await attempt()
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
            if delay is None:
                logger.error("Could not %s a conversation: the database is unreachable", what)
                raise TrackerStoreUnavailable(f"could not {what} the conversation") from error
            logger.warning("Database unreachable (%s); trying again in %.2f s", what, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
