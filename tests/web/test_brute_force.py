"""Trying codes in bulk over real HTTP: the limits hold, reveal nothing, and spare others."""

from __future__ import annotations

import base64
import secrets
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.web.conftest import OUTCOME, share_uses
from tests.web.test_app import reveals_nothing


def plausible_code() -> str:
    """A random code in the same shape as real ones (and, like them, never issued)."""
    raw = base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def from_address(address: str) -> httpx.Client:
    """A client whose connections come from ``address`` (any of 127.0.0.0/8 is loopback)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def test_a_thousand_wrong_codes_meet_the_limit_and_a_right_code_still_works(
    start_page, shared, db
) -> None:
    page = start_page(per_client=5, overall=100)
    with from_address("127.0.0.1") as attacker, ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(
            pool.map(
                lambda code: attacker.post(page.url + "/plan", data={"code": code}),
                [plausible_code() for _ in range(1000)],
            )
        )
    statuses = Counter(r.status_code for r in responses)
    # Exactly five codes were checked, even with sixteen requests at a time; the rest were
    # refused before any look-up.
    assert statuses == {403: 5, 429: 995}
    assert page.state.limiter.wrong_codes("127.0.0.1") == 5
    assert all(reveals_nothing(r) for r in responses)
    assert all(r.headers.get("retry-after") for r in responses if r.status_code == 429)
    assert {r.text for r in responses if r.status_code == 403}.__len__() == 1

    # The right code from this address is refused too, unchecked, so nothing is learnt.
    with from_address("127.0.0.1") as attacker:
        again = attacker.post(page.url + "/plan", data={"code": shared.code})
    assert again.status_code == 429 and reveals_nothing(again)

    # A worker elsewhere is not held up by someone else's wrong codes.
    with from_address("127.0.0.2") as worker:
        opened = worker.post(page.url + "/plan", data={"code": shared.code, "name": "Sam"})
    assert opened.status_code == 200 and OUTCOME in opened.text
    assert share_uses(db) == [("web", "Sam")]


def test_the_global_ceiling_holds_against_many_addresses(start_page, shared, db) -> None:
    page = start_page(per_client=5, overall=20)
    statuses: Counter[int] = Counter()
    for host in range(2, 12):  # ten addresses, each trying ten codes
        with from_address(f"127.0.1.{host}") as client:
            for _ in range(10):
                response = client.post(page.url + "/plan", data={"code": plausible_code()})
                assert reveals_nothing(response)
                statuses[response.status_code] += 1
    assert statuses == {403: 20, 429: 80}  # four addresses used up the ceiling
    with from_address("127.0.2.1") as worker:
        refused = worker.post(page.url + "/plan", data={"code": shared.code})
    assert refused.status_code == 429 and reveals_nothing(refused)
    assert "tried on this service just now" in refused.text
    assert share_uses(db) == []  # the ceiling lifting as the window moves: test_ratelimit.py
