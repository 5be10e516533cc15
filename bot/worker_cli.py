"""``coach worker …`` and ``coach web``: what a worker does with a share code.

* ``coach worker open CODE`` prints (or writes) the plan the code opens;
* ``coach worker outcomes CODE`` lists the plan's outcomes with the numbers ``review`` uses;
* ``coach worker review CODE --outcome N --rating R`` adds the worker's review of outcome N;
* ``coach web`` runs the read-only web page (``bot.web``).

Every use of a code is logged in the person's record (``via="cli"``, and the name given with
``--as``), so they can see who opened their plan and when. A code left out of the command line
is asked for without echoing it, so it stays out of the shell's history.
"""

from __future__ import annotations

import logging
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.config import LOOPBACK_HOSTS, get_settings

worker_app = typer.Typer(
    help="For workers: open a plan someone shared with you, and review its outcomes.",
    no_args_is_help=True,
)

WRONG_CODE = (
    "That code doesn't open a plan: it may be mistyped, or it may have expired or been "
    "cancelled. Check it with the person, or ask them for a new one."
)
MAX_TEXT = 4000

CodeArg = Annotated[
    str | None,
    typer.Argument(
        help="The share code the person gave you. Leave it out to be asked for it without it "
        "showing (it then stays out of your shell history).",
        show_default=False,
    ),
]
AsOption = Annotated[
    str | None,
    typer.Option("--as", help="Your name and role, logged for the person to see (e.g. 'Sam, OT')."),
]


class Format(StrEnum):
    md = "md"
    pdf = "pdf"
    json = "json"
    fhir = "fhir"


class Decision(StrEnum):
    keep = "keep"
    change = "change"
    drop = "drop"


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _ask_code(code: str | None) -> str:
    if code is None:
        code = typer.prompt("Share code", hide_input=True)
    code = code.strip()
    if not code:
        raise _fail("Please give the share code the person gave you.", 2)
    return code


def _text(value: str | None, option: str) -> str | None:
    """A free-text option, tidied; ``None`` if blank."""
    if value is None:
        return None
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise _fail(f"{option} is too long: please keep it under {MAX_TEXT} characters.", 2)
    return value or None


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its old mode otherwise
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


@worker_app.command("open")
def open_plan(
    code: CodeArg = None,
    who: AsOption = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="What to produce.")] = Format.md,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (mode 0600), or into this folder under the plan's own "
            "file name. Without it the plan is printed.",
        ),
    ] = None,
) -> None:
    """Show the plan a share code opens (Markdown, PDF, JSON or FHIR)."""
    from bot.plans.export import render_plan
    from bot.store.repositories import open_shared_plan, record_as_dict
    from bot.store.session import session_factory
    from bot.web.formats import BINARY_FORMATS

    code = _ask_code(code)
    if output is None and format.value in BINARY_FORMATS and sys.stdout.isatty():
        raise _fail("A PDF can't be shown here: add --output FILE (or redirect to a file).", 2)
    with session_factory(get_settings().database_url).begin() as session:
        key = open_shared_plan(session, code, via="cli", who=who)
        record = None if key is None else record_as_dict(session, key)
    if key is None or record is None:
        raise _fail(WRONG_CODE)
    content, _media_type, filename = render_plan(record, format.value, pseudonym=key)
    if output is None:
        stream = sys.stdout.buffer
        stream.write(
            content if content.endswith(b"\n") or format is Format.pdf else content + b"\n"
        )
        stream.flush()
        return
    target = output / Path(filename).name if output.is_dir() else output
    _write_private(target, content)
    typer.echo(f"Saved the plan to {target}. Keep it as safely as any care record.", err=True)


def _numbered(outcomes: list[dict]) -> str:
    lines = []
    for number, outcome in enumerate(outcomes, start=1):
        what = outcome.get("status") or ""
        lines.append(f"  {number}. “{outcome.get('statement', '')}” ({what})")
    return "\n".join(lines)


@worker_app.command("outcomes")
def list_outcomes(code: CodeArg = None, who: AsOption = None) -> None:
    """List the plan's outcomes with the numbers that `coach worker review --outcome` uses."""
    from bot.store.repositories import open_shared_plan, record_as_dict
    from bot.store.session import session_factory

    code = _ask_code(code)
    with session_factory(get_settings().database_url).begin() as session:
        key = open_shared_plan(session, code, via="cli", who=who)
        outcomes = [] if key is None else record_as_dict(session, key)["outcomes"]
    if key is None:
        raise _fail(WRONG_CODE)
    if not outcomes:
        typer.echo("This plan has no outcomes written down yet.")
        return
    typer.echo(_numbered(outcomes))


@worker_app.command("review")
def review(
    code: CodeArg = None,
    outcome: Annotated[
        int,
        typer.Option(
            "--outcome", "-n", min=1, help="Which outcome: its number in `coach worker outcomes`."
        ),
    ] = ...,  # type: ignore[assignment]
    rating: Annotated[
        int,
        typer.Option(min=1, max=10, help="How close to it things are: 1 far from it, 10 there."),
    ] = ...,  # type: ignore[assignment]
    narrative: Annotated[str | None, typer.Option(help="What has happened, in words.")] = None,
    helped: Annotated[str | None, typer.Option(help="What helped.")] = None,
    hindered: Annotated[str | None, typer.Option(help="What got in the way.")] = None,
    unintended: Annotated[
        str | None, typer.Option(help="Anything that happened that nobody planned.")
    ] = None,
    decision: Annotated[
        Decision | None,
        typer.Option(help="Keep the outcome, change it, or drop it from the plan."),
    ] = None,
    who: AsOption = None,
) -> None:
    """Add your review of one of the plan's outcomes: a rating from 1 to 10, and words."""
    from bot.store.repositories import (
        add_review,
        listed_outcome_ids,
        open_shared_plan,
        record_as_dict,
    )
    from bot.store.session import session_factory

    texts = {
        "narrative": _text(narrative, "--narrative"),
        "helped": _text(helped, "--helped"),
        "hindered": _text(hindered, "--hindered"),
        "unintended": _text(unintended, "--unintended"),
    }
    code = _ask_code(code)
    problem: str | None = None
    saved: tuple[str, str, str] | None = None
    # One transaction: the use of the code is logged even when the outcome number is wrong,
    # since the code did open the plan.
    with session_factory(get_settings().database_url).begin() as session:
        key = open_shared_plan(session, code, via="cli", who=who)
        if key is not None:
            ids = listed_outcome_ids(session, key)
            outcomes = record_as_dict(session, key)["outcomes"]
            if not ids:
                problem = "This plan has no outcomes to review yet."
            elif outcome > len(ids):
                count = "1 outcome" if len(ids) == 1 else f"{len(ids)} outcomes"
                problem = (
                    f"This plan has {count}; choose --outcome from 1 to {len(ids)}:\n"
                    + _numbered(outcomes)
                )
            else:
                before = outcomes[outcome - 1]["status"]
                added = add_review(
                    session,
                    key,
                    ids[outcome - 1],
                    rating=rating,
                    decision=decision.value if decision else None,
                    reviewer="worker",
                    **texts,
                )
                if added is None or added.outcome is None:  # pragma: no cover - ids are theirs
                    problem = "That outcome could not be found in this plan."
                else:
                    saved = (added.outcome.statement, before, added.outcome.status)
    if key is None:
        raise _fail(WRONG_CODE)
    if problem is not None or saved is None:
        raise _fail(problem or "The review was not saved.", 2)
    statement, before, after = saved
    typer.echo(f"Review saved for outcome {outcome}, “{statement}”: {rating} out of 10.")
    if after != before:
        typer.echo(f"The outcome is now marked {after} (it was {before}).")


def web(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8088,
    allow_public: Annotated[
        bool,
        typer.Option(
            help="Allow a non-loopback address (only behind a proxy that adds HTTPS and access "
            "control)."
        ),
    ] = False,
    proxies: Annotated[
        int,
        typer.Option(
            min=0,
            help="How many trusted reverse proxies are in front (their X-Forwarded-For is then "
            "used for the per-address limit).",
        ),
    ] = 0,
) -> None:
    """Run the read-only web page where a worker opens a shared plan with its code."""
    from bot.runtime import port_in_use
    from bot.store.migrate import upgrade
    from bot.web.app import WebConfig, serve

    if host not in LOOPBACK_HOSTS and not allow_public:
        raise _fail(
            f"Refusing to listen on {host}: the page shows people's plans to anyone with a code. "
            "Use 127.0.0.1, or pass --allow-public if a proxy in front adds HTTPS and access "
            "control.",
            2,
        )
    if port_in_use(host, port):
        raise _fail(f"Port {port} is already in use: choose another with --port.", 1)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    upgrade(settings.database_url)
    typer.echo(f"The worker's page is on http://{host}:{port}/ (Ctrl-C to stop).")
    serve(WebConfig(database_url=settings.database_url, proxies=proxies), host, port)


__all__ = ["web", "worker_app"]
