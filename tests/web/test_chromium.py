"""The worker's page in a real browser: headless Chromium, driven over the DevTools protocol.

The code form is a GET, so ``chromium --dump-dom`` and ``--screenshot`` check it directly. The
plan only comes from a POST, so the second test starts Chromium with a DevTools port and drives
it like a person would: type the code and a name into the form, click the button, then read the
DOM, the address bar, the history and a screenshot. The page itself has no script at all.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from websockets.sync.client import ClientConnection, connect

from tests.web.conftest import OUTCOME, WORKER_OUTCOME, share_uses

CHROMIUM = "/usr/bin/chromium"
WINDOW = (1024, 1400)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--window-size={WINDOW[0]},{WINDOW[1]}"]  # fmt: skip


@pytest.fixture(scope="module")
def chromium() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if path is None:
        pytest.fail(
            f"Chromium is needed for the browser tests and is not at {CHROMIUM}: install the "
            "Debian package 'chromium' (make test runs .ci/system-packages, which does).",
            pytrace=False,
        )
    return path


def readable_screenshot(png: bytes) -> Image.Image:
    """A PNG that decodes, is window-sized, and is not one flat colour."""
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    assert image.size[0] >= 800 and image.size[1] >= 600, image.size
    grey = image.convert("L")
    darkest, lightest = grey.getextrema()
    assert lightest - darkest > 150  # dark text on a light page: real contrast
    assert len(grey.getcolors(maxcolors=256 * 256) or range(257)) > 16
    dark = sum(count for count, value in grey.getcolors(256) if value < 100)
    assert dark > 2000  # there is text on it, not just a masthead
    return image


def test_the_code_form_renders_in_chromium(chromium, page, tmp_path) -> None:
    dom = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.url],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    assert '<form method="post" action="/plan" autocomplete="off">' in dom
    assert '<label for="code">Share code</label>' in dom
    shot = tmp_path / "entry.png"
    subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         page.url],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    assert shot.stat().st_size > 5000
    readable_screenshot(shot.read_bytes())


class DevTools:
    """A very small Chrome DevTools Protocol client over one page's websocket."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        number = next(self.ids)
        self.socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == number:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.events):
                if message.get("method") == event:
                    return self.events.pop(index)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {event} within {timeout} s")
            self.events.append(json.loads(self.socket.recv(timeout=left)))

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def type_into(self, selector: str, text: str) -> None:
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", text=text)

    def click(self, selector: str) -> None:
        box = self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                type=kind, x=box[0], y=box[1], button="left", clickCount=1,
            )  # fmt: skip


@pytest.fixture
def browser(chromium, tmp_path) -> Iterator[DevTools]:
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [chromium, *FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            assert process.poll() is None, "Chromium exited at start"
            assert time.monotonic() < deadline, "Chromium's DevTools port did not appear"
            time.sleep(0.1)  # polling for the file Chromium writes once it listens
        port = int(port_file.read_text().split()[0])
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        target = next(t for t in targets if t["type"] == "page")
        with connect(target["webSocketDebuggerUrl"], max_size=None) as socket:
            tools = DevTools(socket)
            tools.call("Page.enable")
            yield tools
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_worker_opens_a_plan_in_chromium(browser, page, shared, db, tmp_path) -> None:
    browser.call("Page.navigate", url=page.url + "/")
    browser.wait_for("Page.loadEventFired")
    # Every visible field has a label a screen reader will read out.
    assert browser.evaluate(
        "[...document.querySelectorAll('input:not([type=hidden])')]"
        ".every(i => i.labels.length === 1)"
    )
    browser.type_into("#code", shared.code)
    browser.type_into("#name", "Sam Patel, OT")
    browser.click("button[type=submit]")
    browser.wait_for("Page.loadEventFired")

    assert browser.evaluate("location.href") == page.url + "/plan"  # no code in the address
    history = browser.call("Page.getNavigationHistory")["entries"]
    assert all(shared.code not in entry["url"] for entry in history)
    dom = browser.evaluate("document.documentElement.outerHTML")
    assert f"“{OUTCOME}”" in dom
    assert WORKER_OUTCOME in dom and "Worker's note:" in dom
    assert shared.code not in dom
    assert browser.evaluate("document.querySelector('h1').textContent") == "My support plan"
    # The stylesheet loaded under the Content-Security-Policy: text is large and dark.
    size = browser.evaluate("getComputedStyle(document.body).fontSize")
    assert float(size.removesuffix("px")) >= 18
    assert browser.evaluate("getComputedStyle(document.body).color") == "rgb(11, 12, 12)"
    assert share_uses(db) == [("web", "Sam Patel, OT")]

    shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
    (tmp_path / "plan.png").write_bytes(shot)
    image = readable_screenshot(shot)
    assert image.size[0] == WINDOW[0]  # the height is the window's less the browser's own bar
