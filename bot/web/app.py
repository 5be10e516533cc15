"""The worker's read-only web page: open a plan someone shared, with the code they gave.

Routes (no code or token ever travels in a URL, so none lands in logs or browser history):

* ``GET /`` — the form for the share code and, optionally, the worker's name;
* ``POST /plan`` — checks the code (each use logged for the person, ``via="web"``) and shows the
  plan, with download buttons that carry a short-lived view token instead of the code;
* ``POST /download`` — the plan as PDF, Markdown, JSON or FHIR, for a view token;
* ``POST /close`` — forgets the view token now;
* ``GET /style.css`` and ``GET /health``.

Wrong, expired and cancelled codes all get the same message, the same status and the same
response time (every code check answers no sooner than ``min_seconds``); wrong codes are
limited per client address and overall (``bot.web.ratelimit``). One Sanic process serves
requests concurrently; database work runs in threads so a slow query blocks nobody else.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from dataclasses import dataclass

from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse, html, redirect, text
from sqlalchemy.orm import Session, sessionmaker

from bot.plans.export import render_plan
from bot.plans.structure import build_plan
from bot.store.repositories import active_share_codes, open_shared_plan, record_as_dict
from bot.store.session import session_factory
from bot.web import pages
from bot.web.formats import FORMATS
from bot.web.ratelimit import OVERALL, PER_CLIENT, WINDOW_SECONDS, Refusal, WrongCodeLimiter
from bot.web.views import TOKEN_SECONDS, ViewTokens

log = logging.getLogger(__name__)

MIN_SECONDS = 0.35
MAX_NAME = 100
MAX_BODY = 16 * 1024

CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cache-Control": "no-store",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b\u2028\u2029]")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class WebConfig:
    """How the page behaves; the defaults are the documented limits."""

    database_url: str
    per_client: int = PER_CLIENT  # wrong codes per client address per window
    overall: int = OVERALL  # wrong codes from everyone per window
    window: float = WINDOW_SECONDS
    view_seconds: float = TOKEN_SECONDS  # how long an opened plan's downloads work
    min_seconds: float = MIN_SECONDS  # every code check takes at least this long
    proxies: int = 0  # trusted reverse proxies in front, whose X-Forwarded-For is believed


@dataclass
class _State:
    config: WebConfig
    factory: sessionmaker[Session]
    limiter: WrongCodeLimiter
    views: ViewTokens


def _state(request: Request) -> _State:
    return request.app.ctx.state


def _clean_name(value: str | None) -> str | None:
    """The worker's name as they typed it, tidied and kept short; ``None`` if blank."""
    name = " ".join(_CONTROL.sub(" ", value or "").split())[:MAX_NAME]
    return name or None


def _client(request: Request) -> str:
    # remote_addr is only filled in when trusted proxies are configured; otherwise the peer.
    return request.remote_addr or request.ip or "unknown"


def _same_origin(request: Request) -> bool:
    """Refuse forms posted from other sites (their pages could spend a worker's tries)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    # With Referrer-Policy no-referrer, browsers send "Origin: null" for the page's own forms.
    if origin in (None, "null"):
        return True
    return origin.split("://", 1)[-1] == request.host


async def _pad(started: float, min_seconds: float) -> None:
    """Answer no sooner than ``min_seconds`` after ``started``: right, wrong, expired and
    cancelled codes then take the same time, whatever the database did."""
    await asyncio.sleep(max(0.0, min_seconds - (time.monotonic() - started)))


def _open(factory: sessionmaker[Session], code: str, who: str | None) -> tuple[str, dict] | None:
    with factory.begin() as session:
        key = open_shared_plan(session, code, via="web", who=who)
        return None if key is None else (key, record_as_dict(session, key))


def _download(
    factory: sessionmaker[Session], pseudonym: str, fmt: str
) -> tuple[bytes, str, str] | None:
    with factory.begin() as session:
        # The person can cancel their codes at any time; an open page stops working then too.
        if not active_share_codes(session, pseudonym):
            return None
        record = record_as_dict(session, pseudonym)
    return render_plan(record, fmt, pseudonym=pseudonym)


def _entry(problem: str | None, status: int, headers: dict[str, str] | None = None):
    return html(pages.entry_page(problem), status=status, headers=headers)


def _expired(state: _State) -> HTTPResponse:
    message = pages.EXPIRED_VIEW.format(minutes=pages.minutes(state.config.view_seconds))
    return html(pages.message_page("This plan is closed", message), status=403)


def create_app(config: WebConfig, *, name: str | None = None) -> Sanic:
    """A new app (each with its own limits and tokens in memory)."""
    app = Sanic(name or f"coach_web_{secrets.token_hex(4)}", configure_logging=False)
    app.config.REQUEST_MAX_SIZE = MAX_BODY
    app.config.KEEP_ALIVE_TIMEOUT = 5
    # TouchUp rewrites Sanic's own classes once per process; a second app in the same process
    # (tests, or an embedding program) then fails to start. The speed-up is negligible here.
    app.config.TOUCHUP = False
    if config.proxies:
        app.config.PROXIES_COUNT = config.proxies
    app.ctx.state = _State(
        config=config,
        factory=session_factory(config.database_url),
        limiter=WrongCodeLimiter(config.per_client, config.overall, config.window),
        views=ViewTokens(config.view_seconds),
    )

    @app.on_response
    async def security_headers(request: Request, response: HTTPResponse) -> None:
        # Set, not defaulted: no route or error page can weaken them, and nothing the page
        # sends (a plan, a download, an error, even the style sheet) is kept by a cache.
        response.headers.update(SECURITY_HEADERS)

    @app.get("/")
    async def entry(request: Request) -> HTTPResponse:
        return html(pages.entry_page())

    @app.get("/style.css")
    async def style(request: Request) -> HTTPResponse:
        return text(pages.STYLE, content_type="text/css; charset=utf-8")

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return text("ok")

    async def back_to_form(request: Request) -> HTTPResponse:
        return redirect("/", status=303)

    # A reload or a typed address for a form's target goes back to the form.
    for path in ("/plan", "/download", "/close"):
        app.add_route(back_to_form, path, methods=["GET"], name=f"get_{path.strip('/')}")

    @app.post("/plan")
    async def open_plan(request: Request) -> HTTPResponse:
        state = _state(request)
        started = time.monotonic()
        if not _same_origin(request):
            return html(pages.message_page("Form not accepted", pages.CROSS_SITE), status=403)
        code = (request.form.get("code") or "").strip()
        who = _clean_name(request.form.get("name"))
        if not code:
            return _entry(pages.NO_CODE, 400)
        client = _client(request)
        ticket = state.limiter.acquire(client)
        if isinstance(ticket, Refusal):
            log.warning("too many wrong share codes (%s): refused %s", ticket.scope, client)
            wording = pages.TOO_MANY_HERE if ticket.scope == "client" else pages.TOO_MANY_EVERYONE
            problem = wording.format(minutes=pages.minutes(ticket.retry_after))
            return _entry(problem, 429, {"Retry-After": str(ticket.retry_after)})
        checked = False
        opened = None
        try:
            opened = await asyncio.to_thread(_open, state.factory, code, who)
            checked = True
        finally:
            state.limiter.release(ticket, wrong=checked and opened is None)
        if opened is None:
            log.info("a share code did not open a plan (client %s)", client)
            await _pad(started, state.config.min_seconds)
            return _entry(pages.WRONG_CODE, 403)
        pseudonym, record = opened
        token = state.views.issue(pseudonym, who)
        body = pages.plan_page(
            build_plan(record),
            token=token,
            who=who,
            risk=bool(record.get("risk_flag")),
            ttl=state.config.view_seconds,
        )
        log.info("a shared plan was opened on the web page")
        await _pad(started, state.config.min_seconds)
        return html(body)

    @app.post("/download")
    async def download(request: Request) -> HTTPResponse:
        state = _state(request)
        if not _same_origin(request):
            return html(pages.message_page("Form not accepted", pages.CROSS_SITE), status=403)
        token = request.form.get("token") or ""
        fmt = request.form.get("format") or ""
        view = state.views.get(token)
        if view is None:
            return _expired(state)
        if fmt not in FORMATS:
            return html(pages.message_page("Not available", pages.NO_FORMAT), status=404)
        result = await asyncio.to_thread(_download, state.factory, view.pseudonym, fmt)
        if result is None:
            state.views.close(token)
            return _expired(state)
        content, media_type, filename = result
        safe = _UNSAFE_FILENAME.sub("-", filename).strip(".-") or f"plan.{fmt}"
        log.info("a shared plan was downloaded (%s)", fmt)
        return HTTPResponse(
            content,
            content_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{safe}"'},
        )

    @app.post("/close")
    async def close(request: Request) -> HTTPResponse:
        state = _state(request)
        if not _same_origin(request):
            return html(pages.message_page("Form not accepted", pages.CROSS_SITE), status=403)
        state.views.close(request.form.get("token") or "")
        message = "The plan is closed on this page. To see it again, enter the code again."
        return html(pages.message_page("Plan closed", message))

    @app.exception(SanicException)
    async def known_error(request: Request, error: SanicException) -> HTTPResponse:
        status = getattr(error, "status_code", 500) or 500
        titles = {404: "Page not found", 405: "Page not found", 413: "Too much was sent"}
        title = titles.get(status, "Something went wrong")
        message = {
            404: "There's nothing at this address.",
            405: "There's nothing at this address.",
            413: "The form sent too much. Please enter only the code and your name.",
        }.get(status, "Please try again. If it keeps happening, tell your IT support.")
        return html(pages.message_page(title, message), status=status)

    @app.exception(Exception)
    async def unexpected(request: Request, error: Exception) -> HTTPResponse:
        # Only the type: database errors can quote the values they were given.
        log.error("error %s on %s %s", type(error).__name__, request.method, request.path)
        message = "Something went wrong on our side. Please try again in a moment."
        return html(pages.message_page("Sorry, there is a problem", message), status=500)

    return app


def serve(config: WebConfig, host: str, port: int) -> None:
    """Run the page until interrupted: one process, so the limits and tokens are shared."""
    app = create_app(config, name="coach_web")
    app.run(
        host=host,
        port=port,
        single_process=True,
        access_log=False,
        motd=False,
        debug=False,
        auto_reload=False,
    )


__all__ = ["CSP", "MIN_SECONDS", "SECURITY_HEADERS", "WebConfig", "create_app", "serve"]
