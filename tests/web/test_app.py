"""The worker's web page over real HTTP: the code form, the plan, downloads, and refusals."""

from __future__ import annotations

import json
import logging
import re
import signal
import subprocess
import sys
import time
from html import escape

import httpx
import pytest

from bot.config import PROJECT_ROOT
from bot.plans.export import FORMATS as EXPORT_FORMATS
from bot.runtime import wait_until_up
from bot.store import repositories as repo
from bot.web.app import CSP
from bot.web.pages import WRONG_CODE
from tests.web.conftest import (
    NASTY,
    OTHER_PERSONS_OUTCOME,
    OUTCOME,
    PROPOSED,
    SERVICE,
    STRENGTH,
    WHY,
    WORKER_OUTCOME,
    free_port,
    share_uses,
)

PERSONAL = (OUTCOME, WHY, WORKER_OUTCOME, NASTY, STRENGTH, SERVICE, OTHER_PERSONS_OUTCOME)


def post(url: str, data: dict, **kwargs) -> httpx.Response:
    return httpx.post(url, data=data, timeout=10, **kwargs)


def token_of(page_html: str) -> str:
    tokens = set(re.findall(r'name="token" value="([^"]+)"', page_html))
    assert len(tokens) == 1
    return tokens.pop()


def reveals_nothing(response: httpx.Response) -> bool:
    body = response.text
    return not any(text in body for text in PERSONAL) and 'name="token"' not in body


def test_code_form_is_a_post_form_with_labels_and_security_headers(page) -> None:
    response = httpx.get(page.url + "/")
    assert response.status_code == 200
    body = response.text
    assert '<form method="post" action="/plan" autocomplete="off">' in body
    assert '<label for="code">Share code</label>' in body
    assert '<label for="name">Your name and role (optional)</label>' in body
    assert '<html lang="en-GB">' in body and "<script" not in body
    headers = response.headers
    assert headers["content-security-policy"] == CSP
    assert "default-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    css = httpx.get(page.url + "/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert httpx.get(page.url + "/health").text == "ok"


def test_a_right_code_shows_the_plan_and_logs_the_use(page, shared, db, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    response = post(page.url + "/plan", {"code": shared.code, "name": "Sam Patel, OT"})
    assert response.status_code == 200
    body = response.text
    assert "<h1>My support plan</h1>" in body
    assert "What matters to me and why" in body
    assert f"“{OUTCOME}”" in body  # the person's words, in quotes
    assert f"“{escape(WHY)}”" in body
    assert (
        '<strong class="note-label">Worker\'s note:</strong> ' + WORKER_OUTCOME in body
    )  # marked apart
    assert escape(STRENGTH) in body
    assert SERVICE in body
    assert PROPOSED not in body  # only confirmed outcomes make the plan
    assert OTHER_PERSONS_OUTCOME not in body
    assert "You opened this plan as Sam Patel, OT." in body
    # Everything from the record is escaped.
    assert "<script>" not in body and "<b>bold</b>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold" in body
    # The code is not echoed anywhere, and no form or link carries it.
    assert shared.code not in body
    assert set(re.findall(r'action="([^"]+)"', body)) == {"/download", "/close"}
    assert response.headers["cache-control"] == "no-store"
    assert share_uses(db) == [("web", "Sam Patel, OT")]
    # Logs: no code, no personal text, no worker's name.
    logged = caplog.text
    assert "shared plan was opened" in logged
    for secret in (shared.code, shared.code.replace("-", ""), "Sam Patel", *PERSONAL):
        assert secret not in logged


def test_the_code_is_forgiving_about_case_spaces_and_dashes(page, shared, db) -> None:
    typed = "  " + shared.code.lower().replace("-", " ") + " "
    response = post(page.url + "/plan", {"code": typed})
    assert response.status_code == 200 and OUTCOME in response.text
    assert share_uses(db) == [("web", None)]


@pytest.mark.parametrize("which", ["wrong", "expired", "revoked"])
def test_wrong_expired_and_cancelled_codes_get_one_message_and_no_data(
    page, shared, db, which
) -> None:
    response = post(page.url + "/plan", {"code": getattr(shared, which), "name": "Sam"})
    assert response.status_code == 403
    assert escape(WRONG_CODE) in response.text
    assert 'role="alert"' in response.text and 'aria-invalid="true"' in response.text
    assert reveals_nothing(response)
    assert getattr(shared, which) not in response.text
    assert share_uses(db) == [] and share_uses(db, "person-2") == []


def test_refusals_look_the_same_whatever_the_reason(page, shared) -> None:
    bodies = {post(page.url + "/plan", {"code": c}).text for c in (shared.wrong, shared.expired)}
    bodies.add(post(page.url + "/plan", {"code": shared.revoked}).text)
    assert len(bodies) == 1


def test_every_code_check_takes_the_same_time(start_page, shared) -> None:
    page = start_page(min_seconds=0.4)
    timings = {}
    for which in ("wrong", "expired", "revoked", "code"):
        started = time.monotonic()
        post(page.url + "/plan", {"code": getattr(shared, which)})
        timings[which] = time.monotonic() - started
    assert min(timings.values()) >= 0.4, timings
    assert max(timings.values()) - min(timings.values()) < 0.2, timings


def test_no_code_asks_for_one_and_does_not_count(page) -> None:
    for _ in range(10):
        response = post(page.url + "/plan", {"code": "   ", "name": "Sam"})
        assert response.status_code == 400
        assert "Please enter the share code" in response.text
    assert page.state.limiter.wrong_codes() == 0


def test_reloading_a_form_target_goes_back_to_the_form(page) -> None:
    for path in ("/plan", "/download", "/close"):
        response = httpx.get(page.url + path)
        assert response.status_code == 303 and response.headers["location"] == "/"


def test_forms_from_other_sites_are_refused(page, shared, db) -> None:
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        response = post(page.url + "/plan", {"code": shared.code}, headers=headers)
        assert response.status_code == 403 and reveals_nothing(response)
    assert share_uses(db) == []
    # The page's own form, as a browser sends it under Referrer-Policy: no-referrer.
    own = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    assert post(page.url + "/plan", {"code": shared.code}, headers=own).status_code == 200


def test_downloads_carry_a_view_token_never_the_code(page, shared) -> None:
    opened = post(page.url + "/plan", {"code": shared.code})
    token = token_of(opened.text)
    assert shared.code not in token
    response = post(page.url + "/download", {"token": token, "format": "md"})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["cache-control"] == "no-store"
    assert OUTCOME in response.text and "# My support plan" in response.text
    as_json = post(page.url + "/download", {"token": token, "format": "json"})
    assert as_json.status_code == 200 and OUTCOME in as_json.text
    pdf = post(page.url + "/download", {"token": token, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    fhir = post(page.url + "/download", {"token": token, "format": "fhir"})
    assert fhir.status_code == 200 and fhir.headers["content-type"] == "application/fhir+json"
    assert "Goal" in fhir.text and OUTCOME in json.dumps(fhir.json(), ensure_ascii=False)
    # The page offers exactly the formats the exports make.
    offered = re.findall(r'name="format" value="([^"]+)"', opened.text)
    assert sorted(offered) == sorted(EXPORT_FORMATS)


def test_downloads_stop_when_closed_expired_cancelled_or_guessed(start_page, shared, db) -> None:
    page = start_page(view_seconds=1.0)
    guessed = post(page.url + "/download", {"token": "x" * 43, "format": "md"})
    assert guessed.status_code == 403 and reveals_nothing(guessed)
    unknown = post(page.url + "/download", {"token": token_of(_open(page, shared)), "format": "x"})
    assert unknown.status_code == 404

    closed = token_of(_open(page, shared))
    assert post(page.url + "/close", {"token": closed}).status_code == 200
    assert post(page.url + "/download", {"token": closed, "format": "md"}).status_code == 403

    expiring = token_of(_open(page, shared))
    time.sleep(1.1)
    late = post(page.url + "/download", {"token": expiring, "format": "md"})
    assert late.status_code == 403 and "enter the code again" in late.text

    cancelled = token_of(_open(page, shared))
    with db.begin() as session:
        repo.revoke_share_codes(session, shared.pseudonym)
    gone = post(page.url + "/download", {"token": cancelled, "format": "md"})
    assert gone.status_code == 403 and reveals_nothing(gone)


def _open(page, shared) -> str:
    response = post(page.url + "/plan", {"code": shared.code})
    assert response.status_code == 200
    return response.text


def test_a_risk_flag_is_shown_to_the_worker(page, shared, db) -> None:
    with db.begin() as session:
        repo.flag_risk(session, shared.pseudonym)
    body = _open(page, shared)
    assert "may need a check on safety" in body


def test_unknown_pages_and_oversized_forms_get_plain_pages(page) -> None:
    missing = httpx.get(page.url + "/plan/ABCD-EFGH")
    assert missing.status_code == 404 and "nothing at this address" in missing.text
    assert missing.headers["x-frame-options"] == "DENY"
    huge = post(page.url + "/plan", {"code": "A" * 40_000})
    assert huge.status_code == 413
    assert page.state.limiter.wrong_codes() == 0


def test_a_clients_wrong_codes_are_limited_but_others_get_in(start_page, shared, db) -> None:
    page = start_page(per_client=5)
    for _ in range(5):
        assert post(page.url + "/plan", {"code": shared.wrong}).status_code == 403
    blocked = post(page.url + "/plan", {"code": shared.code})  # not even checked now
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 800
    assert escape("Too many codes that didn't work have been tried from here") in blocked.text
    assert reveals_nothing(blocked)
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as other:
        response = other.post(page.url + "/plan", data={"code": shared.code})
    assert response.status_code == 200 and OUTCOME in response.text
    assert share_uses(db) == [("web", None)]


def test_coach_web_runs_as_a_server_and_stops_on_ctrl_c(shared) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", str(port)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", 60, process)
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
        opened = post(f"http://127.0.0.1:{port}/plan", {"code": shared.code, "name": "Jo"})
        assert opened.status_code == 200 and OUTCOME in opened.text
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert shared.code not in output and OUTCOME not in output and "Jo" not in output


def test_coach_web_refuses_a_public_address_unless_allowed() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "web", "--host", "0.0.0.0"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Refusing to listen on 0.0.0.0" in done.stderr
    assert "--allow-public" in done.stderr
