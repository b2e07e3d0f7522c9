"""`govgraph report NAME --within CODE`: a planner's report as a table, and as CSV."""

import asyncio
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from graph.core.errors import GovgraphError
from resolvers.context import Context
from server.app import connect
from server.reports import REPORTS, Report, ReportName
from server.settings import Settings


def report(
    name: Annotated[ReportName, typer.Argument(help="Which report.")],
    within: Annotated[str, typer.Option(help="A region or grid code.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day, YYYY-MM-DD; default today.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write it here as CSV (UTF-8 with BOM).")
    ] = None,
) -> None:
    """Coverage of a scope with its parts, or what nobody covers in it."""
    console = Console()
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        console.print(f"[red]error:[/red] --as-of must be a date like 2026-03-01, not {as_of!r}.")
        raise typer.Exit(1) from None
    try:
        found = asyncio.run(_build(name, within, day))
    except GovgraphError as error:
        console.print(f"[red]error:[/red] {error.message}", highlight=False)
        raise typer.Exit(1) from None
    console.print(_table(found))
    if out is not None:
        out.write_bytes(found.csv())
        console.print(f"Written to {out}.")


async def _build(name: ReportName, within: str, day: date | None) -> Report:
    db = connect(Settings())
    try:
        ctx = Context(db)
        return await REPORTS[name](ctx, within, day or ctx.today())
    finally:
        await db.close()


def _table(found: Report) -> Table:
    table = Table(title=found.title, caption=f"{len(found.rows)} rows")
    for column in found.columns:
        table.add_column(column)
    for row in found.rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    return table
