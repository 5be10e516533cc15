"""Two Rasa replicas sharing a PostgreSQL tracker store and a Redis lock store, started by
`running_servers` as `coach serve --replicas 2` does.

One conversation alternates its turns between the replicas and stays consistent; the router
(RasaPool) keeps a conversation on one replica; a replica stopped in the middle of a turn
finishes it, and then the next replica carries the conversation on from where it was.
Everything is real: Rasa, the action server, PostgreSQL and Redis, on loopback, in temporary
directories. Rasa reaches the action server through a pass-through proxy that can hold a call,
so that "in the middle of a turn" is a fact the test waits for, not a moment it guesses.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from bot.config import Settings, get_settings
from bot.rasa_client import RasaPool
from bot.runtime import Servers, model_path, replica_name, running_servers, train
from bot.store.people import record_key_for
from bot.store.repositories import record_as_dict
from bot.store.session import session_factory
from bot.store.trackers import conversation_events
from tests.e2e.conftest import free_port
from tests.redis_server import RedisServer, redis_server  # noqa: F401 - a fixture

pytestmark = pytest.mark.e2e

REPLICAS = 2
LOCK_DB = 3
FIRST_QUESTION = "What's your best hope from this assessment?"


def consecutive_free_ports(count: int) -> int:
    """A port P such that P … P+count-1 are all free on loopback just now."""
    for _ in range(50):
        base = free_port()
        sockets = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports found")


class HoldingProxy:
    """Passes Rasa's action calls on to the action server; ``hold()`` keeps the next one
    waiting (``arrived`` is set when it is) until ``release()``."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.arrived = threading.Event()
        self._released = threading.Event()
        self._released.set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def hold(self) -> None:
        self.arrived.clear()
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def close(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with proxy._lock:
                    held = not proxy._released.is_set() and not proxy.arrived.is_set()
                    if held:
                        proxy.arrived.set()
                if held:
                    proxy._released.wait(120)
                answer = httpx.post(
                    proxy.target + self.path, content=body, timeout=60,
                    headers={"Content-Type": "application/json"},
                )  # fmt: skip
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler


@dataclass
class Cluster:
    settings: Settings
    servers: Servers
    redis: RedisServer
    actions: HoldingProxy

    def say(self, replica: int, sender: str, message: str) -> list[dict]:
        response = httpx.post(
            f"{self.settings.rasa_urls[replica]}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def texts(self, replica: int, sender: str, message: str) -> list[str]:
        return [m.get("text", "") for m in self.say(replica, sender, message)]


@pytest.fixture(scope="module")
def cluster(
    postgres,
    redis_server: RedisServer,  # noqa: F811 - the fixture imported above
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cluster]:
    var = tmp_path_factory.mktemp("scale-out-var")
    with pytest.MonkeyPatch.context() as patch:
        for key in ("TELEGRAM_BOT_TOKEN", "COACH_TRACKER_URL", "COACH_RASA_URL", "COACH_RASA_URLS"):
            patch.delenv(key, raising=False)
        patch.setenv("COACH_VAR_DIR", str(var))
        patch.setenv("COACH_SECRET", "scale-out-secret")
        patch.setenv("COACH_HOST", "127.0.0.1")
        action_port = free_port()
        patch.setenv("COACH_ACTION_PORT", str(action_port))
        proxy = HoldingProxy(f"http://127.0.0.1:{action_port}")
        patch.setenv("COACH_ACTION_URL", f"{proxy.url}/webhook")
        patch.setenv("COACH_RASA_PORT", str(consecutive_free_ports(REPLICAS)))
        patch.setenv("COACH_RASA_REPLICAS", str(REPLICAS))
        patch.setenv("COACH_ACTION_WORKERS", "2")
        patch.setenv("DATABASE_URL", postgres.create_database("scale_coach"))
        patch.setenv("COACH_LOCK_STORE_URL", redis_server.url(db=LOCK_DB))
        settings = get_settings()
        train(settings)  # no-op when the model is current (make test trains first)
        assert model_path().exists()
        client = redis_server.client(db=LOCK_DB)
        client.config_resetstat()
        client.close()
        try:
            with running_servers(settings, timeout=240) as servers:
                yield Cluster(settings, servers, redis_server, proxy)
        finally:
            proxy.close()
        # Stopped gracefully (SIGTERM, in order): every server that was still running exits 0.
        codes = {name: process.returncode for name, process in servers.processes.items()}
        assert codes == dict.fromkeys(codes, 0), codes


def user_texts(cluster: Cluster, sender: str) -> list[str]:
    """What the person said, as Rasa's shared tracker store holds it."""
    events = conversation_events(cluster.settings, sender)
    return [event["text"] for event in events if event["event"] == "user"]


def _redis_calls(cluster: Cluster, command: str) -> int:
    client = cluster.redis.client(db=LOCK_DB)
    try:
        return int(client.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0))
    finally:
        client.close()


def test_one_conversation_alternating_between_replicas_stays_consistent(cluster) -> None:
    sender = "scale-out-alternating"
    assert [url.rsplit(":", 1)[1] for url in cluster.settings.rasa_urls] == [
        str(cluster.settings.rasa_port), str(cluster.settings.rasa_port + 1)
    ]  # fmt: skip
    assert cluster.servers.alive() == {"actions": True, "rasa": True, "rasa-2": True}

    welcome = cluster.say(0, sender, "hello")
    assert "Outcomes Coach" in welcome[0]["text"]
    assert cluster.texts(1, sender, "/affirm")[-1] == "Who is this for?"
    assert cluster.texts(0, sender, '/choose{"choice":"self"}')[-1] == FIRST_QUESTION
    replies = cluster.texts(1, sender, "I would like to walk to the shop on my own")
    assert replies[0] == "Being independent really matters to you."
    assert "walk to the shop on my own" in replies[1]
    assert cluster.texts(0, sender, "/affirm") == [
        "Lovely, I've saved that.", "Why does that matter to you?"
    ]  # fmt: skip
    assert cluster.texts(1, sender, "So I can choose my own messages")[-1] == (
        "What could help with that, and who could help?"
    )

    # Rasa's shared tracker store holds every turn once, in order, whichever replica took it.
    said = user_texts(cluster, sender)
    assert said == [
        "hello", "/affirm", '/choose{"choice":"self"}',
        "I would like to walk to the shop on my own", "/affirm", "So I can choose my own messages",
    ]  # fmt: skip
    key = record_key_for(cluster.settings, "rest", sender)
    with session_factory(cluster.settings.database_url).begin() as session:
        record = record_as_dict(session, key)
    assert [(o["statement"], o["status"]) for o in record["outcomes"]] == [
        ("I would like to walk to the shop on my own", "confirmed")
    ]
    assert record["outcomes"][0]["why"] == "So I can choose my own messages"
    # The turns were serialised through the Redis lock store, not a replica's memory.
    assert _redis_calls(cluster, "set") >= len(said)


def test_simultaneous_turns_of_one_conversation_on_both_replicas_both_count(cluster) -> None:
    sender = "scale-out-simultaneous"
    cluster.say(0, sender, "hello")
    with ThreadPoolExecutor(REPLICAS) as pool:
        answers = list(
            pool.map(lambda n: cluster.say(n, sender, "/affirm" if n else "/help"), range(2))
        )
    assert all(answers)
    said = user_texts(cluster, sender)
    assert said[0] == "hello" and sorted(said[1:]) == ["/affirm", "/help"]


def test_a_replica_stopped_mid_turn_finishes_it_and_the_next_one_carries_on(cluster) -> None:
    """Runs last in this module: it stops one replica."""
    urls = cluster.settings.rasa_urls
    home = cluster.servers.processes[replica_name(1)]

    async def conversation() -> None:
        async with RasaPool(urls) as pool:
            sender = next(f"scale-out-router-{n}" for n in range(100)
                          if pool.replica_for(f"scale-out-router-{n}") == 1)  # fmt: skip
            await pool.send(sender, "hello")
            asked = await pool.send(sender, "/affirm")
            assert asked[-1]["text"] == "Who is this for?"
            assert await pool.replicas_up() == [True, True]

            # The turn reaches the action server through the proxy, which holds it there.
            cluster.actions.hold()
            turn = asyncio.create_task(pool.send(sender, '/choose{"choice":"self"}'))
            assert await asyncio.to_thread(cluster.actions.arrived.wait, 60)
            home.terminate()  # SIGTERM, as `coach serve` stops it
            while await pool.replicas_up() != [True, False]:  # it stops taking connections
                await asyncio.sleep(0.1)  # bounded by the wait_for below
            cluster.actions.release()
            first = await asyncio.wait_for(turn, 60)
            assert first[-1]["text"] == FIRST_QUESTION  # the turn in hand was finished
            assert await asyncio.to_thread(home.wait, 60) == 0

            # The other replica carries on from the shared tracker store: the next question.
            replies = await pool.send(sender, "I would like to walk to the shop on my own")
            assert replies[0]["text"] == "Being independent really matters to you."
            assert user_texts(cluster, sender) == [
                "hello", "/affirm", '/choose{"choice":"self"}',
                "I would like to walk to the shop on my own",
            ]  # fmt: skip

    asyncio.run(asyncio.wait_for(conversation(), 240))
