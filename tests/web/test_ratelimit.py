"""The wrong-code limiter and the view tokens, with a clock the tests move by hand."""

from __future__ import annotations

import threading

import pytest

from bot.web.ratelimit import Refusal, Ticket, WrongCodeLimiter
from bot.web.views import ViewTokens


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def wrong(limiter: WrongCodeLimiter, client: str, times: int = 1) -> None:
    for _ in range(times):
        ticket = limiter.acquire(client)
        assert isinstance(ticket, Ticket)
        limiter.release(ticket, wrong=True)


def test_a_client_gets_five_wrong_codes_per_window_then_waits() -> None:
    clock = Clock()
    limiter = WrongCodeLimiter(per_client=5, overall=100, window=900, clock=clock)
    wrong(limiter, "a", 5)
    refusal = limiter.acquire("a")
    assert refusal == Refusal("client", 900)
    clock.now += 600
    assert limiter.acquire("a") == Refusal("client", 300)
    clock.now += 300  # the first wrong code leaves the window
    assert isinstance(limiter.acquire("a"), Ticket)


def test_the_window_slides_one_wrong_code_at_a_time() -> None:
    clock = Clock()
    limiter = WrongCodeLimiter(per_client=2, overall=100, window=60, clock=clock)
    wrong(limiter, "a")
    clock.now += 30
    wrong(limiter, "a")
    assert isinstance(limiter.acquire("a"), Refusal)
    clock.now += 31  # only the first has gone
    ticket = limiter.acquire("a")
    assert isinstance(ticket, Ticket)
    limiter.release(ticket, wrong=True)
    assert limiter.acquire("a") == Refusal("client", 29)


def test_right_codes_do_not_count_and_refusals_do_not_extend_the_wait() -> None:
    clock = Clock()
    limiter = WrongCodeLimiter(per_client=3, overall=100, window=900, clock=clock)
    for _ in range(50):
        ticket = limiter.acquire("a")
        assert isinstance(ticket, Ticket)
        limiter.release(ticket, wrong=False)
    wrong(limiter, "a", 3)
    for _ in range(100):
        assert isinstance(limiter.acquire("a"), Refusal)
    assert limiter.wrong_codes("a") == 3
    clock.now += 900
    assert isinstance(limiter.acquire("a"), Ticket)


def test_other_clients_are_not_blocked_by_one_clients_wrong_codes() -> None:
    limiter = WrongCodeLimiter(per_client=5, overall=100, window=900, clock=Clock())
    wrong(limiter, "attacker", 5)
    for _ in range(20):
        assert isinstance(limiter.acquire("attacker"), Refusal)
    assert isinstance(limiter.acquire("worker"), Ticket)


def test_the_global_ceiling_stops_everyone_until_the_window_moves() -> None:
    clock = Clock()
    limiter = WrongCodeLimiter(per_client=5, overall=12, window=900, clock=clock)
    for client in ("a", "b"):
        wrong(limiter, client, 5)
    wrong(limiter, "c", 2)
    refusal = limiter.acquire("someone-new")
    assert isinstance(refusal, Refusal) and refusal.scope == "everyone"
    assert refusal.retry_after == 900
    clock.now += 900
    assert isinstance(limiter.acquire("someone-new"), Ticket)


def test_checks_still_running_count_so_a_burst_cannot_slip_past() -> None:
    limiter = WrongCodeLimiter(per_client=5, overall=8, window=900, clock=Clock())
    held = [limiter.acquire("a") for _ in range(5)]
    assert all(isinstance(t, Ticket) for t in held)
    assert limiter.acquire("a") == Refusal("client", 1)
    more = [limiter.acquire("b") for _ in range(3)]
    assert all(isinstance(t, Ticket) for t in more)
    assert isinstance(limiter.acquire("c"), Refusal)  # 8 running: the ceiling
    for ticket in held + more:
        limiter.release(ticket, wrong=False)
    assert isinstance(limiter.acquire("c"), Ticket)


def test_release_is_idempotent() -> None:
    limiter = WrongCodeLimiter(per_client=2, overall=10, window=900, clock=Clock())
    ticket = limiter.acquire("a")
    assert isinstance(ticket, Ticket)
    limiter.release(ticket, wrong=True)
    limiter.release(ticket, wrong=True)
    assert limiter.wrong_codes("a") == 1
    assert limiter.wrong_codes() == 1


def test_memory_is_bounded_clients_are_forgotten_after_the_window() -> None:
    clock = Clock()
    limiter = WrongCodeLimiter(per_client=5, overall=1000, window=60, clock=clock)
    for number in range(300):
        wrong(limiter, f"10.0.{number // 256}.{number % 256}")
    assert limiter.clients_tracked() == 300
    clock.now += 61
    wrong(limiter, "new")
    assert limiter.clients_tracked() == 1


def test_the_limits_hold_under_many_threads() -> None:
    limiter = WrongCodeLimiter(per_client=5, overall=40, window=900)
    checked: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(32)

    def attack(client: str) -> None:
        start.wait()
        for _ in range(200):
            ticket = limiter.acquire(client)
            if isinstance(ticket, Ticket):
                with lock:
                    checked.append(client)
                limiter.release(ticket, wrong=True)

    threads = [threading.Thread(target=attack, args=(f"c{n % 16}",)) for n in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 40  # the ceiling, exactly
    assert max(checked.count(f"c{n}") for n in range(16)) <= 5
    assert limiter.wrong_codes() == 40


@pytest.mark.parametrize("args", [(0, 10, 60), (5, 0, 60), (5, 10, 0)])
def test_limits_must_be_positive(args) -> None:
    with pytest.raises(ValueError):
        WrongCodeLimiter(*args)


def test_view_tokens_are_random_expire_and_close() -> None:
    clock = Clock()
    views = ViewTokens(ttl=600, clock=clock)
    token = views.issue("person-1", "Sam")
    other = views.issue("person-2", None)
    assert token != other and len(token) >= 40
    view = views.get(token)
    assert view is not None and (view.pseudonym, view.who) == ("person-1", "Sam")
    assert views.get("not-a-token") is None and views.get("") is None
    assert views.close(other) and views.get(other) is None and not views.close(other)
    clock.now += 600
    assert views.get(token) is None
    assert len(views) == 0


def test_view_tokens_are_kept_hashed_and_bounded() -> None:
    views = ViewTokens(ttl=600, max_views=3, clock=Clock())
    tokens = [views.issue(f"p{n}") for n in range(5)]
    assert len(views) == 3
    assert views.get(tokens[0]) is None and views.get(tokens[4]) is not None
    assert not any(token in repr(views.__dict__) for token in tokens)
