"""`govgraph case show`, `govgraph audit verify`, `govgraph audit coverage` and `govgraph audit
access-log`: one case's timeline, every history's audit, the audit of the coverage kept in the
graph, and the audit of the access log of personal data."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from graph import access_log, cases
from graph.case_machine import CaseChain
from graph.cases import Audit, Timeline, Unreadable
from graph.core.clock import CITY_ZONE
from graph.core.db import Database
from graph.core.errors import GovgraphError
from graph.kept import coverage
from server.app import connect_command
from server.progress import bars
from server.settings import Settings

T = TypeVar("T")

case_app = typer.Typer(help="Cases and their histories.")
audit_app = typer.Typer(help="Check that recorded histories were not changed afterwards.")
out = Console()
err = Console(stderr=True)


@case_app.command("show")
def show(
    case_no: Annotated[str, typer.Argument(help="The case number, such as XY-2026-0006.")],
) -> None:
    """Print a case's history: each step, when, who took it, at which level and centre."""
    found = _run(lambda db: cases.timeline(db, case_no))
    if found is None:
        raise _fail(f"No case is numbered {case_no!r}.")
    out.print(_timeline_table(found))
    broken = found.broken(CaseChain.of(Settings().pii_keys))
    if broken is None:
        out.print("[green]The history verifies.[/green]")
    else:
        out.print(f"[red]The history is broken at seq {broken.seq}: {escape(broken.reason)}.[/red]")


@audit_app.command("verify")
def verify(
    within: Annotated[
        str | None, typer.Option(help="Only the cases of this region or grid (its code).")
    ] = None,
) -> None:
    """Recompute the hash chain of every case's history and name the first broken event of
    each one that was changed in the database; exit 1 when any is."""
    columns = (TextColumn("cases"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out, transient=True) as progress:
        task = progress.add_task("cases", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        chain = CaseChain.of(Settings().pii_keys)
        report = _run(lambda db: cases.audit(db, within, chain, progress=advance))
    if not report.broken:
        out.print(f"All {report.cases:,} case histories verify.")
        return
    out.print(_audit_table(report))
    raise _fail(f"{len(report.broken)} of {report.cases:,} case histories are broken.")


@audit_app.command("coverage")
def verify_coverage(
    within: Annotated[
        str | None, typer.Option(help="Only the grids and regions of this region or grid.")
    ] = None,
    repair: Annotated[
        bool, typer.Option(help="Then recompute everything kept, for the whole city.")
    ] = False,
) -> None:
    """Recompute the coverage kept in the graph (every grid's and region's timeline, every
    building's and household's covered intervals) from the assignments, and name each grid
    or region whose kept figures differ; exit 1 when any does (unless --repair fixed it)."""
    with bars(out) as progress:
        report = _run(lambda db: coverage.audit(db, within, progress))
    if not report.differences:
        out.print(
            f"The coverage kept for all {report.grids:,} grids and {report.regions:,} regions "
            "agrees with their assignments."
        )
        return
    table = Table(title="Kept coverage that differs from the assignments")
    table.add_column("grid or region")
    table.add_column("what differs")
    for difference in report.differences:
        table.add_row(Text(difference.code), difference.what)
    out.print(table)
    count = f"{len(report.differences)} grid(s) or region(s) keep figures"
    if repair:
        with bars(out) as progress:
            _run(lambda db: coverage.rebuild(db, progress))
        out.print(f"{count} their assignments did not give; all recomputed.")
        return
    raise _fail(
        f"{count} their assignments do not give; `govgraph audit coverage --repair` "
        "recomputes them."
    )


@audit_app.command("access-log")
def verify_access_log() -> None:
    """Recompute the hash chain of the access log of personal data and name its first
    edited or deleted record; exit 1 when there is one."""
    keys = Settings().pii_keys
    records, broken = _run(lambda db: access_log.verify(db, keys))
    if broken is None:
        out.print(f"All {records:,} records of the access log verify.")
        return
    raise _fail(f"The access log is broken at record {broken.seq}: {broken.reason}.")


def _timeline_table(timeline: Timeline) -> Table:
    case = timeline.case
    settled = f", settled at {case.resolved_level.value}" if case.resolved_level else ""
    table = Table(
        title=escape(f"{case.case_no}  {case.title}"),
        caption=(
            f"{case.category.value} in grid {case.grid_code}, reported {_local(case.reported_at)}; "
            f"now {case.state.value} at {case.level.value}{settled}"
        ),
    )
    table.add_column("seq", justify="right")
    for column in ("time", "action", "state", "level", "actor"):
        table.add_column(column)
    table.add_column("centre", overflow="fold")
    table.add_column("note", overflow="fold")
    for event in timeline.events:
        if isinstance(event, Unreadable):
            table.add_row(*_as_stored(event), style="red")
            continue
        table.add_row(
            str(event.seq),
            _local(event.at),
            event.action.value,
            f"{event.from_state.value if event.from_state else '–'} → {event.to_state.value}",
            event.level.value,
            # Names and notes are people's text: shown as written, never as markup.
            Text(timeline.names.get(event.actor_id or "", event.actor_id or "")),
            Text(timeline.names.get(event.center_id or "", event.center_id or "")),
            Text(event.note or ""),
        )
    return table


def _as_stored(event: Unreadable) -> list[Text]:
    """An event with a value no event can have, shown as it is stored."""
    row = event.row
    state = f"{row['from_state'] or '–'} → {row['to_state']}"
    cells = [row["seq"], _time(row["at"]), row["action"], state, row["level"], row["actor_id"]]
    return [Text(str(cell or "")) for cell in [*cells, row["center_id"], row["note"]]]


def _audit_table(report: Audit) -> Table:
    table = Table(title="Broken case histories: the first broken event of each")
    for column in ("case", "seq", "action", "time", "what is wrong"):
        table.add_column(column, justify="right" if column == "seq" else "left")
    for found in report.broken:
        event = found.event
        if event is None:
            action, at = "–", "–"
        elif isinstance(event, Unreadable):
            action, at = str(event.row["action"]), _time(event.row["at"])
        else:
            action, at = event.action.value, _local(event.at)
        table.add_row(
            Text(found.case_no), str(found.where.seq), Text(action), Text(at), found.where.reason
        )
    return table


def _local(moment: datetime) -> str:
    return moment.astimezone(CITY_ZONE).strftime("%Y-%m-%d %H:%M")


def _time(stored: object) -> str:
    """A stored time that may have been edited into anything."""
    if isinstance(stored, datetime) and stored.tzinfo is not None:
        return _local(stored)
    return str(stored)


def _run(work: Callable[[Database], Awaitable[T]]) -> T:
    async def main() -> T:
        db = connect_command(Settings())
        try:
            return await work(db)
        finally:
            await db.close()

    try:
        return asyncio.run(main())
    except GovgraphError as error:
        raise _fail(error.message) from None


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(1)
