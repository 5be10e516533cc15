"""Fixtures for the worker's web page and commands: a shared plan, and the page really running."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from sanic import Sanic
from sqlalchemy.orm import Session, sessionmaker

from bot.config import get_settings
from bot.store import repositories as repo
from bot.store.models import utcnow
from bot.web.app import WebConfig, create_app

OUTCOME = "I want to get back to baking with my granddaughter"
WHY = "it's what we always did together on Sundays"
WORKER_OUTCOME = "Would like to feel safer on the stairs at night"
PROPOSED = "I might want to try the lunch club"
NASTY = 'I want <script>alert("x")</script> & <b>bold</b> words'
STRENGTH = "I'm stubborn in a good way"
SERVICE = "a walk-in shower"
OTHER_PERSONS_OUTCOME = "I want to go back to the allotment"


@dataclass(frozen=True)
class Shared:
    """A person's plan and the codes around it."""

    pseudonym: str
    code: str  # opens the plan
    expired: str  # was this person's, and has expired
    revoked: str  # someone else's, cancelled
    wrong: str  # never issued


@pytest.fixture
def shared(db: sessionmaker[Session]) -> Shared:
    """A person with a plan (and a second person whose code was cancelled)."""
    with db.begin() as session:
        repo.record_consent(session, "person-1")
        baking = repo.add_outcome(
            session, "person-1", OUTCOME, domain="things_to_do", status="confirmed"
        )
        repo.set_outcome_why(session, "person-1", baking.id, WHY)
        repo.add_outcome(
            session,
            "person-1",
            WORKER_OUTCOME,
            domain="feeling_safe",
            status="confirmed",
            voice="worker",
        )
        repo.add_outcome(session, "person-1", PROPOSED, status="proposed")
        repo.add_outcome(session, "person-1", NASTY, status="confirmed")
        repo.add_strength(session, "person-1", STRENGTH)
        repo.add_service_request(session, "person-1", SERVICE, outcome_id=baking.id)
        code, _ = repo.create_share_code(session, "person-1")
        expired, _ = repo.create_share_code(
            session, "person-1", days=14, now=utcnow() - timedelta(days=20)
        )
        repo.add_outcome(session, "person-2", OTHER_PERSONS_OUTCOME, status="confirmed")
        revoked, _ = repo.create_share_code(session, "person-2")
        repo.revoke_share_codes(session, "person-2")
    return Shared("person-1", code, expired, revoked, "Q7RT-M2KD-ZP4W-HX6C-NB3V-LJ5F-GA")


def share_uses(db: sessionmaker[Session], pseudonym: str = "person-1") -> list[tuple[str, str]]:
    with db.begin() as session:
        shares = repo.record_as_dict(session, pseudonym)["shares"]
    return [(use["via"], use["who"]) for share in shares for use in share["uses"]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningPage:
    url: str
    app: Sanic

    @property
    def state(self):
        return self.app.ctx.state


@contextmanager
def running_page(config: WebConfig) -> Iterator[RunningPage]:
    """The page served for real on a free loopback port, from a thread with its own loop."""
    app = create_app(config)
    port = free_port()
    ready = threading.Event()
    failed: list[BaseException] = []
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def serve() -> None:
        server = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
        )
        await server.startup()
        ready.set()
        await stop.wait()
        # As Sanic's own runner shuts down: stop listening, close idle keep-alive connections
        # (a browser holds some open), give busy ones a moment, then end the rest.
        await server.close()
        for connection in list(server.connections):
            connection.close_if_idle()
        for _ in range(50):
            if not server.connections:
                break
            await asyncio.sleep(0.02)
        for connection in list(server.connections):
            connection.abort()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(serve())
        except BaseException as error:  # reported to the test below
            failed.append(error)
            ready.set()
        finally:
            loop.close()

    thread = threading.Thread(target=run, name="coach-web-test", daemon=True)
    thread.start()
    if not ready.wait(15) or failed:
        raise RuntimeError(f"the web page did not start: {failed}")
    try:
        yield RunningPage(f"http://127.0.0.1:{port}", app)
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(15)


@pytest.fixture
def web_config(db: sessionmaker[Session]) -> WebConfig:
    # Short floor on response time so the suite stays quick; tests of timing set their own.
    return WebConfig(database_url=get_settings().database_url, min_seconds=0.05)


@pytest.fixture
def start_page(web_config: WebConfig) -> Iterator[Callable[..., RunningPage]]:
    """Start the page, optionally with some settings changed: ``start_page(per_client=2)``."""
    with ExitStack() as stack:

        def start(**changes) -> RunningPage:
            return stack.enter_context(running_page(replace(web_config, **changes)))

        yield start


@pytest.fixture
def page(start_page: Callable[..., RunningPage]) -> RunningPage:
    return start_page()
