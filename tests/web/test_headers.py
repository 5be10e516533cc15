"""Every response of the worker's page carries the strict headers: pages, downloads, the style
sheet, redirects, refusals, errors, and answers Sanic makes before any route runs."""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from bot.config import get_settings
from bot.web.app import CSP
from tests.web.conftest import running_page

# The headers do not depend on where the record is: SQLite alone keeps this file quick.
pytestmark = pytest.mark.parametrize("db", ["sqlite"], indirect=True)

STRICT = {
    "content-security-policy": CSP,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def assert_strict(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text[:200]
    missing = {
        name: response.headers.get(name)
        for name, value in STRICT.items()
        if response.headers.get(name) != value
    }
    assert missing == {}, f"{response.request.method} {response.request.url.path} ({status})"


def post(url: str, data: dict, **kwargs) -> httpx.Response:
    return httpx.post(url, data=data, timeout=10, **kwargs)


def token_of(page_html: str) -> str:
    (token,) = set(re.findall(r'name="token" value="([^"]+)"', page_html))
    return token


def test_pages_downloads_and_the_style_sheet(page, shared) -> None:
    for path in ("/", "/style.css", "/health"):
        assert_strict(httpx.get(page.url + path), 200)
    opened = post(page.url + "/plan", {"code": shared.code})
    assert_strict(opened, 200)
    token = token_of(opened.text)
    for fmt in ("pdf", "md", "json", "fhir"):
        download = post(page.url + "/download", {"token": token, "format": fmt})
        assert_strict(download, 200)
        assert download.headers["content-disposition"].startswith("attachment;")
    assert_strict(post(page.url + "/close", {"token": token}), 200)


def test_redirects_and_refusals(page, shared) -> None:
    for path in ("/plan", "/download", "/close"):
        assert_strict(httpx.get(page.url + path), 303)
    assert_strict(post(page.url + "/plan", {"code": ""}), 400)
    assert_strict(post(page.url + "/plan", {"code": shared.wrong}), 403)
    assert_strict(post(page.url + "/download", {"token": "guessed", "format": "md"}), 403)
    token = token_of(post(page.url + "/plan", {"code": shared.code}).text)
    assert_strict(post(page.url + "/download", {"token": token, "format": "docx"}), 404)
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    assert_strict(post(page.url + "/plan", {"code": shared.code}, headers=cross_site), 403)


def test_too_many_wrong_codes(start_page, shared) -> None:
    page = start_page(per_client=1)
    assert_strict(post(page.url + "/plan", {"code": shared.wrong}), 403)
    refused = post(page.url + "/plan", {"code": shared.wrong})
    assert_strict(refused, 429)
    assert int(refused.headers["retry-after"]) > 0


def test_errors_from_sanic_and_from_the_page(page) -> None:
    assert_strict(httpx.get(page.url + "/no/such/page"), 404)
    assert_strict(httpx.delete(page.url + "/"), 405)
    assert_strict(post(page.url + "/plan", {"code": "A" * 40_000}), 413)


def test_an_unexpected_failure_still_has_the_headers(start_page, shared, var_dir) -> None:
    # A database without the record's tables: every code check fails inside the page.
    broken = f"sqlite:///{var_dir / 'not-migrated.db'}"
    page = start_page(database_url=broken)
    response = post(page.url + "/plan", {"code": shared.code})
    assert_strict(response, 500)
    assert "Something went wrong on our side" in response.text


def test_a_malformed_request_still_gets_the_headers(db) -> None:
    from bot.web.app import WebConfig

    config = WebConfig(database_url=get_settings().database_url, min_seconds=0.0)
    with running_page(config) as page:
        address = urlsplit(page.url)
        with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nonsense\r\n\r\n")
            raw = b""
            while b"\r\n\r\n" not in raw:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                raw += chunk
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower().splitlines()
    assert head[0].split()[1] == "400"
    headers = dict(line.split(": ", 1) for line in head[1:])
    assert {name: headers.get(name) for name in STRICT} == {
        name: value.lower() for name, value in STRICT.items()
    }
