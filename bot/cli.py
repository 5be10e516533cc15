"""The ``coach`` command: run the servers, chat in the terminal, manage the record."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.config import PROJECT_ROOT, SecretFileError, get_settings, load_secret

app = typer.Typer(
    help="Outcomes Coach: say what matters to you before an assessment.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Manage the record's database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _configure_logging(verbose: bool = False) -> None:
    """Logging for this process: plain lines, or JSON Lines with ``COACH_LOG_FORMAT=json``
    (``bot.logs``, which also keeps httpx from logging URLs with the bot token in them)."""
    from bot.logs import configure

    try:
        configure(verbose)
    except ValueError as error:  # a mistyped COACH_LOG_FORMAT
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the record's database to the latest schema."""
    from bot.store.migrate import upgrade

    upgrade(get_settings().database_url)
    typer.echo("Database is up to date.")


@app.command()
def train(force: Annotated[bool, typer.Option(help="Train even if nothing changed.")] = False):
    """Train the Rasa model if the domain, config or training data changed."""
    from bot.runtime import model_path
    from bot.runtime import train as train_model

    trained = train_model(get_settings(), force=force)
    typer.echo(f"{'Trained' if trained else 'Model is up to date'}: {model_path()}")


@app.command()
def actions(
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Sanic worker processes (default COACH_ACTION_WORKERS, 1)."),
    ] = None,
    allow_public: Annotated[
        bool, typer.Option(help="Allow a non-loopback COACH_HOST (put authentication in front).")
    ] = False,
) -> None:
    """Run the action server (upgrades the database first)."""
    from bot.runtime import StartupError, check_host

    settings = get_settings()
    try:
        # The action server has no authentication either: loopback unless asked explicitly.
        check_host(settings.host, allow_public)
    except StartupError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    from bot.store.migrate import upgrade

    upgrade(settings.database_url)
    from bot.coaching import nlp

    if not nlp.is_current():  # train now, so nobody's first answer waits for it
        nlp.train()
    os.environ["SANIC_HOST"] = settings.host
    # rasa_sdk's own setting: Sanic worker processes, each serving action calls in parallel.
    os.environ["ACTION_SERVER_SANIC_WORKERS"] = str(workers or settings.action_workers)
    args = [sys.executable, "-m", "rasa_sdk", "--actions", "bot.actions"]
    args += ["--port", str(port or settings.action_port)]
    args += ["--endpoints", str(PROJECT_ROOT / "bot" / "action_endpoints.yml")]
    os.execv(sys.executable, args)


@app.command()
def serve(
    chat: Annotated[
        bool, typer.Option(help="Open the terminal chat once the servers answer.")
    ] = False,
    allow_public: Annotated[
        bool, typer.Option(help="Allow a non-loopback COACH_HOST (put authentication in front).")
    ] = False,
    replicas: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Rasa servers on consecutive ports from COACH_RASA_PORT (needs PostgreSQL and "
            "COACH_LOCK_STORE_URL when more than 1; default COACH_RASA_REPLICAS, 1).",
        ),
    ] = None,
    action_workers: Annotated[
        int | None,
        typer.Option(min=1, help="Action server worker processes (default COACH_ACTION_WORKERS)."),
    ] = None,
) -> None:
    """Start the action server and Rasa (and Telegram when TELEGRAM_BOT_TOKEN is set)."""
    import signal

    from bot.runtime import StartupError, running_servers

    _configure_logging()
    # Set for the servers started here too: the Telegram bridge finds every replica by it.
    if replicas is not None:
        os.environ["COACH_RASA_REPLICAS"] = str(replicas)
    if action_workers is not None:
        os.environ["COACH_ACTION_WORKERS"] = str(action_workers)
    # systemd and Docker stop services with SIGTERM: stop the servers as on Ctrl-C, in order.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        settings = get_settings()
        load_secret(settings)  # a secret file others can read stops us here, with the fix
    except (ValueError, SecretFileError) as error:
        typer.echo(f"Could not start: {error}", err=True)
        raise typer.Exit(1) from None
    telegram = settings.telegram_token is not None
    try:
        with running_servers(settings, telegram=telegram, allow_public=allow_public) as servers:
            where = ", ".join(settings.rasa_urls) if settings.rasa_replicas > 1 else None
            typer.echo(
                f"Rasa on {where or settings.rasa_url}; logs in {settings.var_dir / 'logs'}."
            )
            if telegram:
                typer.echo("Telegram bridge started.")
            if chat:
                from bot.chat import run_chat

                run_chat(settings)
            else:
                typer.echo("Press Ctrl-C to stop.")
                _wait_for_exit(servers)
    except StartupError as error:
        typer.echo(f"Could not start: {error}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        pass
    typer.echo("Stopped.")


def _wait_for_exit(servers) -> None:
    import time

    while all(servers.alive().values()):
        time.sleep(1)
    dead = [name for name, up in servers.alive().items() if not up]
    typer.echo(f"Stopped because {', '.join(dead)} exited; see {servers.logs}.", err=True)


@app.command()
def chat() -> None:
    """Chat with the bot in this terminal (the servers must be running: `coach serve`)."""
    from bot.chat import run_chat

    run_chat(get_settings())


@app.command()
def telegram(
    webhook: Annotated[
        str | None,
        typer.Option(
            envvar="TELEGRAM_WEBHOOK_URL",
            help="Webhook mode: the public https:// URL Telegram posts updates to (a reverse "
            "proxy passes them to --listen). Without it the bridge polls.",
        ),
    ] = None,
    listen: Annotated[
        str,
        typer.Option(envvar="TELEGRAM_WEBHOOK_LISTEN", help="host:port of the webhook listener."),
    ] = "127.0.0.1:8443",
    allow_public: Annotated[
        bool, typer.Option(help="Allow a non-loopback webhook --listen address.")
    ] = False,
) -> None:
    """Run the Telegram bridge for TELEGRAM_BOT_TOKEN (polling, or a webhook with --webhook)."""
    from bot.config import telegram_webhook_secret
    from bot.telegram.app import check_webhook, parse_listen, run_polling, run_webhook

    _configure_logging()
    settings = get_settings()
    if not settings.telegram_token:
        typer.echo("Set TELEGRAM_BOT_TOKEN first (see README, Telegram set-up).", err=True)
        raise typer.Exit(2)
    if webhook is None:
        run_polling(settings)
        return
    try:  # every check before anything starts (run_webhook repeats them)
        check_webhook(settings, webhook, parse_listen(listen)[0], allow_public)
        telegram_webhook_secret(settings)
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    run_webhook(settings, webhook, listen, allow_public=allow_public)


def _input_lines(source: str) -> Iterator[str]:
    """Lines of a file, or of standard input for "-", without their line endings."""
    handle = sys.stdin if source == "-" else open(source, encoding="utf-8")  # noqa: SIM115
    try:
        for line in handle:
            yield line.rstrip("\r\n")
    finally:
        if handle is not sys.stdin:
            handle.close()


def _json_objects(source: str) -> Iterator[dict | None]:
    """One JSON object per input line (a blank line is ``{}``), or ``None`` for a bad line."""
    for line in _input_lines(source):
        try:
            item = json.loads(line) if line.strip() else {}
        except ValueError:
            item = None
        yield item if isinstance(item, dict) else None


def _emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@app.command()
def classify(
    source: Annotated[
        str, typer.Argument(help="A file of statements, one per line; - for stdin.")
    ] = "-",
) -> None:
    """Classify statements as outcome, service or other (JSON Lines out, one per line in)."""
    from bot.coaching.classify import classify_statement

    for line in _input_lines(source):
        _emit(classify_statement(line).as_json())


@app.command()
def draft(
    source: Annotated[
        str, typer.Argument(help='JSON Lines of {"question", "answer"}; - for stdin.')
    ] = "-",
) -> None:
    """Draft outcomes, services and strengths from answers (JSON Lines in and out)."""
    from bot.coaching.contracts import AnswerDraft
    from bot.coaching.drafting import draft_answer

    for item in _json_objects(source):
        if item is None:
            _emit({**AnswerDraft([], [], [], "", None).as_json(), "error": "not a JSON object"})
            continue
        question, answer = item.get("question"), item.get("answer")
        result = draft_answer(question if isinstance(question, str) else "",
                              answer if isinstance(answer, str) else "")  # fmt: skip
        _emit(result.as_json())


@app.command()
def forget(
    channel: Annotated[
        str | None, typer.Option(help="Channel of the sender: telegram, terminal, rest.")
    ] = None,
    sender: Annotated[str | None, typer.Option(help="The channel's own id for the person.")] = None,
    person: Annotated[str | None, typer.Option(help="A share code the person gave you.")] = None,
) -> None:
    """Erase everything held about a person (record, share codes and Rasa's copy of their
    conversation), for a worker acting on the person's request."""
    from bot.store.people import rasa_sender_id, record_key_for
    from bot.store.repositories import conversation_ref, erase_person, open_shared_plan
    from bot.store.session import session_factory
    from bot.store.trackers import erase_conversation

    if (person is None) == (channel is None or sender is None):
        raise typer.BadParameter("give either --person CODE, or both --channel and --sender")
    settings = get_settings()
    with session_factory(settings.database_url).begin() as session:
        if person is not None:
            key = open_shared_plan(session, person, via="cli", who="erasure on request")
            if key is None:
                typer.echo("That code doesn't open a plan: nothing was erased.", err=True)
                raise typer.Exit(1)
            rasa_id = conversation_ref(session, key)
        else:
            key = record_key_for(settings, channel, sender)
            rasa_id = rasa_sender_id(settings, channel, sender)
        held = erase_person(session, key)
    events = erase_conversation(settings, rasa_id) if rasa_id else 0
    typer.echo(
        f"Erased the record{'' if held else ' (there was none)'} and {events} conversation events."
    )


@app.command("train-nlp")
def train_nlp() -> None:
    """Train the coaching NLP pipeline from the repo's data (models/nlp/), if it changed."""
    from bot.coaching import nlp

    if nlp.is_current():
        typer.echo(f"Coaching pipeline is up to date: {nlp.MODEL_DIR}")
        return
    typer.echo(f"Trained: {nlp.train()}")


class ExportFormat(StrEnum):
    json = "json"
    md = "md"
    pdf = "pdf"
    fhir = "fhir"


@app.command()
def export(
    channel: Annotated[
        str | None, typer.Option(help="Channel of the sender: telegram, terminal, rest.")
    ] = None,
    sender: Annotated[str | None, typer.Option(help="The channel's own id for the person.")] = None,
    person: Annotated[
        str | None, typer.Option(help="A share code the person gave you (instead of a sender).")
    ] = None,
    format: Annotated[ExportFormat, typer.Option(help="Output format.")] = ExportFormat.json,
    output: Annotated[Path | None, typer.Option(help="Write to this file (mode 0600).")] = None,
    who: Annotated[
        str | None, typer.Option("--as", help="Who is opening a shared plan (logged for them).")
    ] = None,
) -> None:
    """Print the stored record of a person: by a channel's sender id, or by a share code."""
    from bot.plans.export import render_plan
    from bot.store.people import record_key_for
    from bot.store.repositories import open_shared_plan, record_as_dict
    from bot.store.session import session_factory

    if (person is None) == (channel is None or sender is None):
        raise typer.BadParameter("give either --person CODE, or both --channel and --sender")
    settings = get_settings()
    with session_factory(settings.database_url).begin() as session:
        if person is not None:
            key = open_shared_plan(session, person, via="cli", who=who)
            if key is None:
                typer.echo("That code doesn't open a plan: it may be mistyped, expired or "
                           "cancelled.", err=True)  # fmt: skip
                raise typer.Exit(1)
        else:
            key = record_key_for(settings, channel, sender)
        record = record_as_dict(session, key)
    content, _, _ = render_plan(record, format.value, pseudonym=key)
    if output is not None:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # an existing file keeps its old mode otherwise
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
    elif format is ExportFormat.pdf:
        raise typer.BadParameter("a PDF needs --output FILE")
    else:
        typer.echo(content.decode())


from bot.worker_cli import web, worker_app  # noqa: E402

app.add_typer(worker_app, name="worker")
app.command()(web)


@app.command()
def code(
    source: Annotated[
        str, typer.Argument(help='JSON Lines of {"text", "prev"?}; - for stdin.')
    ] = "-",
) -> None:
    """Code practitioner turns as OARS skills (JSON Lines in and out, one per line in)."""
    from bot.coaching.oars import code_utterance

    for item in _json_objects(source):
        if item is None:
            _emit({"code": "other", "confidence": 0.0, "error": "not a JSON object"})
            continue
        text, prev = item.get("text"), item.get("prev")
        coded = code_utterance(text if isinstance(text, str) else "",
                               prev if isinstance(prev, str) else None)  # fmt: skip
        _emit(coded.as_json())


class TranscriptFormat(StrEnum):
    md = "md"
    json = "json"


@app.command("code-transcript")
def code_transcript_command(
    path: Annotated[Path, typer.Argument(help="W:/P: text, or CSV with speaker and text.")],
    format: Annotated[TranscriptFormat, typer.Option(help="Output format.")] = TranscriptFormat.md,
) -> None:
    """Code a worker's turns in a real transcript (OARS) and score them, for trainers."""
    from dataclasses import asdict

    from bot.practice.transcripts import (
        TranscriptError,
        code_transcript,
        parse_transcript,
        transcript_markdown,
    )

    try:
        turns = parse_transcript(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TranscriptError) as error:
        typer.echo(f"Could not read the transcript: {error}", err=True)
        raise typer.Exit(1) from None
    coded, card = code_transcript(turns)
    if format is TranscriptFormat.json:
        result = {"turns": [asdict(line) for line in coded], "scorecard": card.as_dict()}
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        typer.echo(transcript_markdown(coded, card))


# --- operations: health, backup, restore (bot.operations; docs/operations.md) --------------


@app.command()
def health(
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
    telegram_api: Annotated[
        bool, typer.Option("--telegram", help="Also ask Telegram's Bot API about the token.")
    ] = False,
) -> None:
    """Check every component: the secret, the record and tracker databases, Rasa and its
    model, the action server, the Redis lock store and Telegram. Exits 1 if any is down."""
    from bot.operations import DOWN, health_table
    from bot.operations import health as check_all

    checks = check_all(get_settings(), telegram=telegram_api)
    if as_json:
        body = {"healthy": all(c.status != DOWN for c in checks)}
        typer.echo(json.dumps({**body, "checks": [c.as_json() for c in checks]}, indent=2))
    else:
        typer.echo(health_table(checks))
    if any(check.status == DOWN for check in checks):
        raise typer.Exit(1)


@app.command()
def backup(
    out: Annotated[Path, typer.Argument(help="Where to write the record's copy (mode 0600).")],
    tracker: Annotated[
        Path | None, typer.Option(help="Also copy Rasa's tracker store (SQLite) to this file.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace files that already exist.")] = False,
) -> None:
    """Copy the SQLite record (and optionally the tracker store) consistently, while the
    servers run. For PostgreSQL use pg_dump (docs/operations.md)."""
    from bot.operations import OperationError, backup_sqlite, sqlite_path_of

    settings = get_settings()
    try:
        jobs = [(sqlite_path_of(settings.database_url, "record"), out, "record")]
        if tracker is not None:
            jobs.append((sqlite_path_of(settings.tracker_url, "tracker store"), tracker, "tracker"))
        taken = [str(target) for _, target, _ in jobs if target.exists()]
        if taken and not force:
            raise OperationError(f"{', '.join(taken)} exists: choose another name, or --force.")
        for database, target, kind in jobs:
            copied = backup_sqlite(database, target, kind=kind, force=force)
            done = f" (migration {copied.revision})" if copied.revision else ""
            typer.echo(f"Backed up the {kind} to {copied.path}{done}.")
    except OperationError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    typer.echo("Keep the secret (var/secret.key or COACH_SECRET) too, somewhere else: without it")
    typer.echo("nobody's record can be found from their chat again.")


@app.command()
def restore(
    source: Annotated[Path, typer.Argument(help="A backup made by 'coach backup'.")],
    tracker: Annotated[
        Path | None, typer.Option(help="Also restore Rasa's tracker store from this backup.")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Replace the current record (a copy of it is kept beside it).")
    ] = False,
) -> None:
    """Restore the SQLite record (and optionally the tracker store) from a backup, with the
    servers stopped. Checks the backup is a record and brings it to the newest schema."""
    from bot.operations import (
        OperationError,
        check_restorable,
        restore_sqlite,
        servers_answering,
        sqlite_path_of,
    )

    settings = get_settings()
    running = servers_answering(settings)
    if running:
        typer.echo(f"Stop the servers first ({', '.join(running)} answering).", err=True)
        raise typer.Exit(1)
    try:
        jobs = [(source, sqlite_path_of(settings.database_url, "record"), "record")]
        if tracker is not None:
            jobs.append((tracker, sqlite_path_of(settings.tracker_url, "tracker store"), "tracker"))
        for backup_file, target, kind in jobs:  # every file checked before any is written
            check_restorable(backup_file, target, kind=kind, force=force)
        for backup_file, target, kind in jobs:
            copied = restore_sqlite(backup_file, target, kind=kind, force=force)
            done = f" (migration {copied.revision})" if copied.revision else ""
            typer.echo(f"Restored the {kind} to {copied.path}{done}.")
    except OperationError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
