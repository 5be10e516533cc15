"""RasaPool: each conversation goes to a stable Rasa replica, and fails over only when its
replica cannot be reached (never after a timeout or a server error: Rasa may have acted).

The replicas here are real HTTP servers on loopback that answer Rasa's REST webhook and note
which replica took which message; the end-to-end test with real Rasa replicas is in
tests/e2e/test_scale_out.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot.rasa_client import RasaPool, RasaUnavailable, RasaUnreachable, replica_index
from tests.stand_in_rasa import StandInRasa, replies_to

SENDERS = [f"pseudonym-{n:02d}" for n in range(24)]


class Replica(StandInRasa):
    """A stand-in Rasa server; ``stop()`` closes its port, ``start()`` opens the same one."""

    def __init__(self, name: str, log: list[tuple[str, str, str]], port: int = 0) -> None:
        super().__init__(port)
        self.name = name
        self.log = log
        self.status = 200
        self.hold = threading.Event()  # set: answer at once; clear: wait until it is set
        self.hold.set()

    def stop(self) -> None:
        self.hold.set()
        super().stop()

    def answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        self.log.append((self.name, body["sender"], body["message"]))
        self.hold.wait(30)
        if self.status != 200:
            return self.status, {"error": "boom"}
        return 200, replies_to(body, [{"text": self.name}])


@pytest.fixture
def log() -> list[tuple[str, str, str]]:
    return []


@pytest.fixture
def replicas(log) -> Iterator[list[Replica]]:
    started = [Replica("first", log).start(), Replica("second", log).start()]
    try:
        yield started
    finally:
        for replica in started:
            replica.stop()


def _pool(replicas: list[Replica], **options: Any) -> RasaPool:
    return RasaPool([replica.url for replica in replicas], **options)


async def test_each_conversation_stays_on_one_replica_and_both_get_some(replicas, log) -> None:
    async with _pool(replicas) as pool:
        for turn in range(3):
            for sender in SENDERS:
                [reply] = await pool.send(sender, f"turn {turn}")
                assert reply["text"] == replicas[pool.replica_for(sender)].name
    served: dict[str, set[str]] = {}
    for name, sender, _ in log:
        served.setdefault(sender, set()).add(name)
    assert all(len(names) == 1 for names in served.values())
    assert {name for names in served.values() for name in names} == {"first", "second"}


def test_the_replica_does_not_depend_on_the_process() -> None:
    """Python's own hash() changes between processes; the routing must not."""
    script = (
        "import json, sys\n"
        "from bot.rasa_client import replica_index\n"
        "print(json.dumps([replica_index(s, 3) for s in sys.argv[1:]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *SENDERS], capture_output=True, text=True, check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    )  # fmt: skip
    assert json.loads(done.stdout) == [replica_index(sender, 3) for sender in SENDERS]


async def test_an_unreachable_replica_hands_its_conversations_to_the_next(replicas, log) -> None:
    first, second = replicas
    async with _pool(replicas) as pool:
        on_first = [s for s in SENDERS if pool.replica_for(s) == 0]
        on_second = [s for s in SENDERS if pool.replica_for(s) == 1]
        first.stop()
        assert await pool.replicas_up() == [False, True]
        assert await pool.is_up()
        for sender in on_first + on_second:
            [reply] = await pool.send(sender, "while the first is down")
            assert reply["text"] == "second"
        first.start()  # back on the same port: its conversations come home
        [reply] = await pool.send(on_first[0], "after it is back")
        assert reply["text"] == "first"
    assert [name for name, _, message in log if message == "while the first is down"] == [
        "second"
    ] * len(SENDERS)


async def test_a_timeout_is_not_sent_to_another_replica(replicas, log) -> None:
    async with _pool(replicas, timeout=0.5) as pool:
        sender = SENDERS[0]
        home = replicas[pool.replica_for(sender)]
        home.hold.clear()  # it takes the message and does not answer in time
        with pytest.raises(RasaUnavailable) as failed:
            await pool.send(sender, "slow turn")
        assert not isinstance(failed.value, RasaUnreachable)
        home.hold.set()
    assert [(name, message) for name, _, message in log] == [(home.name, "slow turn")]


async def test_a_server_error_is_not_sent_to_another_replica(replicas, log) -> None:
    async with _pool(replicas) as pool:
        sender = SENDERS[1]
        home = replicas[pool.replica_for(sender)]
        home.status = 500
        with pytest.raises(RasaUnavailable):
            await pool.send(sender, "failing turn")
    assert [(name, message) for name, _, message in log] == [(home.name, "failing turn")]


async def test_no_replica_reachable_is_unreachable(replicas) -> None:
    for replica in replicas:
        replica.stop()
    async with _pool(replicas, retry_delay=0) as pool:
        assert not await pool.is_up()
        with pytest.raises(RasaUnreachable, match="none of the 2"):
            await pool.send(SENDERS[0], "anyone there?")


async def test_one_replica_behaves_as_a_plain_client(log) -> None:
    replica = Replica("only", log).start()
    try:
        async with RasaPool([replica.url + "/"]) as pool:
            assert pool.base_url == replica.url
            [reply] = await pool.send(SENDERS[2], "hello")
            assert reply["text"] == "only"
        replica.stop()
        async with RasaPool([replica.url], retry_delay=0) as pool:
            with pytest.raises(RasaUnreachable, match="Rasa is unreachable"):
                await pool.send(SENDERS[2], "hello again")
    finally:
        replica.stop()


def test_a_pool_needs_a_url() -> None:
    with pytest.raises(ValueError, match="at least one"):
        RasaPool([])
