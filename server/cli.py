"""The `govgraph` command line."""

import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from fastapi import FastAPI
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph import operations
from graph.core.errors import GovgraphError
from graph.importing import runs
from graph.importing.bulk import bulk_import
from graph.importing.online import ImportRejected, ImportReport, import_dataset
from graph.importing.runs import ImportRun
from graph.operations import Operation
from graph.security.principal import AccessRole
from graph.store import local_server
from graph.store.local_server import LocalServerError
from graph.store.migrations import prepare
from server import metrics
from server.app import connect, connect_command, converting, create_app
from server.auth import DEV_SUBJECT, AuthSettingsError, check_listening, mint
from server.case_commands import audit_app, case_app
from server.generate_command import generate_command
from server.observe import configure_logging
from server.persisted import sha256
from server.progress import bars
from server.report_command import report
from server.settings import Settings
from server.tracing import configure_tracing

DEMO = Path(__file__).resolve().parents[1] / "datasets" / "demo"

app = typer.Typer(help="govgraph: the governance graph of a city, served as GraphQL.")
neo4j_app = typer.Typer(help="The local Neo4j server (not used when NEO4J_URI is set).")
app.add_typer(neo4j_app, name="neo4j")
operations_app = typer.Typer(help="Operations registered for GOVGRAPH_PERSISTED_ONLY.")
app.add_typer(operations_app, name="operations")
app.add_typer(case_app, name="case")
app.add_typer(audit_app, name="audit")
app.command()(report)
app.command(name="generate")(generate_command)
out = Console()
err = Console(stderr=True)


@app.callback()
def quiet_driver() -> None:
    """The driver's own warnings (retries, closed connections) are for developers: a command
    says in its own words what failed."""
    logging.getLogger("neo4j").setLevel(logging.ERROR)


def fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(1)


Host = Annotated[str, typer.Option(help="Address to listen on.")]
Port = Annotated[int, typer.Option(help="Port to listen on.")]


Workers = Annotated[
    int,
    typer.Option(
        min=1,
        help="Server processes (one per CPU core is a good start); the first to start "
        "runs the migrations, the others wait for it.",
    ),
]


@app.command()
def serve(host: Host = "127.0.0.1", port: Port = 8000, workers: Workers = 1) -> None:
    """Serve the GraphQL API (GraphiQL at /graphql) on the configured Neo4j."""
    settings = Settings()
    if workers == 1:
        served = _app(settings, host)
        _observe(settings)
        uvicorn.run(served, host=host, port=port, access_log=False)
        return
    _app(settings, host)  # refused here, before any worker starts, when it would not do
    with tempfile.TemporaryDirectory(prefix="govgraph-metrics-") as figures:
        # Each worker writes its figures there; a scrape of any of them adds all up.
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", figures)
        _observe(settings)
        uvicorn.run(
            "server.app:from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
            # A worker spawned on a busy machine may take more than uvicorn's 5 s to
            # answer its first ping; it would be killed and started again without end.
            timeout_worker_healthcheck=60,
        )


def _app(settings: Settings, host: str) -> FastAPI:
    """The app, or a clear refusal when its authentication settings would not do."""
    try:
        check_listening(settings, host)
        return create_app(settings)
    except AuthSettingsError as error:
        raise fail(str(error)) from None


def _observe(settings: Settings) -> None:
    """Logs, traces, and metrics on a listener of their own when GOVGRAPH_METRICS_PORT
    is set, for this process (the workers set up their own logs and traces)."""
    configure_logging(settings.log_format)
    configure_tracing()
    if settings.metrics and settings.metrics_port is not None:
        metrics.serve_apart(settings.metrics_address, settings.metrics_port)


@app.command()
def migrate() -> None:
    """Create the graph's constraints and indexes, link cases to their grid by REPORTED_IN,
    keep the coverage, convert clear values and re-seal old case histories, as the server's
    first start does, under the same lock."""
    settings = Settings()

    async def run() -> bool:
        db = connect_command(settings)
        try:
            # A graph written by an older version may need minutes for its kept coverage.
            with bars(Console(stderr=True)) as progress:
                return await prepare(db, converting(settings.pii_keys), progress=progress)
        finally:
            await db.close()

    try:
        ran = asyncio.run(run())
    except GovgraphError as error:
        raise fail(error.message) from None
    out.print("Migrated." if ran else "The graph's migrations are current: nothing to do.")


@app.command()
def token(
    role: Annotated[list[AccessRole], typer.Option(help="A role; repeat the option for several.")],
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help="A region or grid code; repeat it, or separate codes by commas, for several. "
            "Only ADMIN may omit it."
        ),
    ] = None,
    sub: Annotated[str, typer.Option(help="Whom the token names (a person id).")] = DEV_SUBJECT,
    *,
    ttl: Annotated[int, typer.Option(help="Seconds until it expires.", min=1)] = 3600,
) -> None:
    """Print an HS256 token signed with GOVGRAPH_JWT_SECRET, for development."""
    settings = Settings()
    if not settings.jwt_secret:
        raise fail("GOVGRAPH_JWT_SECRET is not set: there is no secret to sign a token with.")
    codes = [code.strip() for item in scope or () for code in item.split(",") if code.strip()]
    if not codes and set(role) != {AccessRole.ADMIN}:
        raise fail("Give --scope: only an ADMIN token may leave it out (the whole city).")
    secret = settings.jwt_secret.get_secret_value()
    sys.stdout.write(
        mint(secret, settings.jwt_audience, role, scope=codes or None, subject=sub, ttl=ttl) + "\n"
    )


@app.command()
def up(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Start the local Neo4j, import the demo data into an empty database, and serve.

    Ctrl-C stops the server, and the local Neo4j if this command started it.
    """
    settings = Settings()
    served = _app(settings, host)  # before anything starts
    started = settings.uses_local_neo4j and _start_local(settings)
    try:
        if asyncio.run(_database_is_empty(settings)):
            out.print(f"The database is empty: importing the demo data from {DEMO}.")
            _import(settings, DEMO, replace=False)
        out.print(f"Serving http://{host}:{port}/graphql")
        _observe(settings)
        uvicorn.run(served, host=host, port=port, access_log=False)
    finally:
        if started:
            with out.status("Stopping Neo4j..."):
                local_server.stop(settings.local_neo4j)


@operations_app.command("register")
def register_operations(
    folder: Annotated[Path, typer.Argument(help="A folder of .graphql files, one operation each.")],
) -> None:
    """Register the operations that GOVGRAPH_PERSISTED_ONLY lets run, by the sha256 of each
    file's text (what Apollo Client and urql send); an invalid one registers nothing."""
    from graphql import parse, validate
    from graphql.error import GraphQLSyntaxError

    from schema import schema

    if not folder.is_dir():
        raise fail(f"{folder} is not a folder.")
    found, errors = [], []
    for file in sorted(folder.glob("*.graphql")):
        text = file.read_text(encoding="utf-8")
        try:
            problems = validate(schema._schema, parse(text))
        except GraphQLSyntaxError as error:
            problems = [error]
        errors += [f"{file.name}: {problem.message}" for problem in problems]
        found.append(Operation(sha256(text), file.stem, text))
    if errors:
        for line in errors:
            err.print(line, highlight=False, markup=False)
        raise fail(f"{len(errors)} error(s); nothing was registered.")
    if not found:
        raise fail(f"{folder} holds no .graphql file.")

    async def run() -> int:
        db = connect(Settings())
        try:
            return await operations.register(db, found)
        finally:
            await db.close()

    new = asyncio.run(run())
    for operation in found:
        out.print(f"{operation.sha256}  {operation.name}", highlight=False)
    out.print(f"{len(found)} operation(s), {new} new.")


@app.command(name="import")
def import_command(
    folder: Annotated[
        Path | None, typer.Argument(help="A folder of CSV files (../shared/contract/import.md).")
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            help="The graph becomes the dataset: records it no longer holds are removed "
            "(case histories and the access log are kept)."
        ),
    ] = False,
    bulk: Annotated[
        bool,
        typer.Option(
            help="Into an empty database of the local server, through Neo4j's offline importer "
            "(much faster); the server is stopped meanwhile."
        ),
    ] = False,
    *,
    status: Annotated[
        bool, typer.Option("--status", help="Say whether an import is unfinished, and stop.")
    ] = False,
    abandon: Annotated[
        bool,
        typer.Option(
            "--abandon",
            help="Drop the unfinished import (the graph stays as it was before it); with "
            "FOLDER, then import that.",
        ),
    ] = False,
) -> None:
    """Import a dataset; a dataset with any error imports nothing and lists every error.

    An import killed or failed half-way changes nothing that is served: run it again to
    complete it, or --abandon it."""
    settings = Settings()
    if status or (abandon and folder is None):
        if folder is not None:
            raise fail("--status takes no folder.")
        _run_status(settings, abandon)
        return
    if folder is None:
        raise fail("Give the folder of the dataset to import (or --status, or --abandon).")
    if not folder.is_dir():
        raise fail(f"{folder} is not a folder.")
    if bulk and not settings.uses_local_neo4j:
        raise fail(
            f"--bulk needs the local server, and NEO4J_URI is set ({settings.neo4j_uri}): "
            "neo4j-admin writes the store files of this machine's server only."
        )
    if bulk and (replace or abandon):
        raise fail("--bulk is for an empty database; it does not combine with --replace.")
    _import(settings, folder, replace, bulk=bulk, abandon=abandon)


def _run_status(settings: Settings, abandon: bool) -> None:
    """`--status`, or `--abandon` alone."""

    async def run() -> ImportRun | None:
        db = connect(settings)
        try:
            return await (runs.abandon(db) if abandon else runs.unfinished(db))
        finally:
            await db.close()

    try:
        run_found = asyncio.run(run())
    except GovgraphError as error:
        raise fail(error.message) from None
    if run_found is None:
        out.print("No import is unfinished.")
    elif abandon:
        out.print(
            f"Abandoned import run {run_found.id} of {run_found.folder}; the graph is as before it."
        )
    else:
        out.print(run_found.describe(), highlight=False)


@app.command(name="schema")
def export_schema(
    output: Annotated[Path | None, typer.Option("--out", help="Write here, not stdout.")] = None,
) -> None:
    """Print the GraphQL schema (SDL) that the API serves."""
    from schema import schema

    text = schema.as_str() + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Fetch the jars once, start the server, and return when Bolt answers."""
    settings = _local_only()
    if not _start_local(settings):
        out.print(f"Neo4j is already running at {settings.local_neo4j.uri}.")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the server (SIGTERM, and wait for a clean shutdown)."""
    settings = _local_only()
    with out.status("Stopping Neo4j..."):
        stopped = local_server.stop(settings.local_neo4j)
    out.print("Neo4j stopped." if stopped else "Neo4j was not running.")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local server runs and answers on Bolt; exit 1 when it does not."""
    instance = _local_only().local_neo4j
    pid = local_server.running_pid(instance)
    if pid is None:
        out.print("Neo4j is not running.")
        raise typer.Exit(1)
    answering = "answers" if local_server.answers(instance) else "does not answer yet"
    out.print(f"Neo4j runs (pid {pid}) and {answering} at {instance.uri}; home {instance.home}.")


def _local_only() -> Settings:
    settings = Settings()
    if not settings.uses_local_neo4j:
        raise fail(f"NEO4J_URI is set ({settings.neo4j_uri}): no local Neo4j is managed.")
    return settings


def _start_local(settings: Settings) -> bool:
    try:
        with out.status("Starting Neo4j (the first start fetches its jars from Maven Central)..."):
            started = local_server.start(settings.local_neo4j)
    except LocalServerError as error:
        raise fail(str(error)) from None
    if started:
        out.print(f"Neo4j is ready at {settings.local_neo4j.uri}.")
    return started


async def _database_is_empty(settings: Settings) -> bool:
    db = connect(settings)
    try:
        return await db.is_empty()
    finally:
        await db.close()


def _import(
    settings: Settings, folder: Path, replace: bool, *, bulk: bool = False, abandon: bool = False
) -> None:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=out, transient=True) as progress:
        tasks: dict[str, int] = {}

        def advance(file: str, done: int, total: int) -> None:
            if file not in tasks:
                tasks[file] = progress.add_task(file, total=total)
            progress.update(tasks[file], completed=done)

        async def run() -> ImportReport:
            db = connect_command(settings, settings.import_transaction_timeout)
            try:
                return await import_dataset(
                    db,
                    folder,
                    pii_keys=settings.pii_keys,
                    replace=replace,
                    abandon=abandon,
                    batch=settings.import_batch,
                    progress=advance,
                )
            finally:
                await db.close()

        try:
            if bulk:
                report = bulk_import(
                    settings.local_neo4j, folder, settings.pii_keys, progress=advance
                )
            else:
                report = asyncio.run(run())
        except ImportRejected as rejected:
            progress.stop()
            for line in rejected.errors:
                err.print(line, highlight=False, markup=False)
            raise fail(f"{len(rejected.errors)} error(s); nothing was imported.") from None
        except GovgraphError as error:
            raise fail(error.message) from None
        except LocalServerError as error:
            raise fail(str(error)) from None
    _print_report(report)


def _print_report(report: ImportReport) -> None:
    table = Table(title="Imported")
    table.add_column("file")
    table.add_column("records", justify="right")
    for file, count in report.counts.items():
        table.add_row(file, f"{count:,}")
    out.print(table)
