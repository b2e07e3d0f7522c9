"""`govgraph report NAME --within CODE`: a planner's report as a table, and as CSV."""

import asyncio
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from graph.core.errors import GovgraphError
from resolvers.context import Context
from server.app import connect_command
from server.reports import BOM, REPORTS, Report, ReportName, Rows, csv_text
from server.settings import Settings


def report(
    name: Annotated[ReportName, typer.Argument(help="Which report.")],
    within: Annotated[str, typer.Option(help="A region or grid code.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day, YYYY-MM-DD; default today.")
    ] = None,
    *,
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
        found, rows = asyncio.run(_build(name, within, day))
    except GovgraphError as error:
        console.print(f"[red]error:[/red] {error.message}", highlight=False)
        raise typer.Exit(1) from None
    console.print(_table(found, rows, IMPORTANCE[name], width=console.width))
    if out is not None:
        out.write_text(BOM + csv_text([found.columns, *rows]), encoding="utf-8", newline="")
        console.print(f"Written to {out}.")


async def _build(name: ReportName, within: str, day: date | None) -> tuple[Report, Rows]:
    db = connect_command(Settings())
    try:
        ctx = Context(db)
        found = await REPORTS[name](ctx, within, day or ctx.today())
        return found, await found.rows()
    finally:
        await db.close()


# Each report's columns, most useful first: a terminal too narrow for all of them (a pipe
# is 80 columns, or COLUMNS) loses the last ones, never a cut code or name.
IMPORTANCE = {
    ReportName.coverage: [
        "code", "name", "household_coverage", "building_coverage", "households",
        "covered_households", "buildings", "covered_buildings", "grids_with_worker", "grids",
    ],
    ReportName.uncovered_buildings: ["code", "name", "grid_code", "address", "grid_name"],
    ReportName.uncovered_households: [
        "id", "building_code", "door", "grid_code", "kind", "building_name", "address",
    ],
}  # fmt: skip


def _table(found: Report, rows: Rows, importance: list[str], *, width: int) -> Table:
    texts = [["" if value is None else str(value) for value in row] for row in rows]
    widths = {
        column: max([cell_len(column), *(cell_len(row[i]) for row in texts)])
        for i, column in enumerate(found.columns)
    }
    # A column takes its width, a space either side and a border; the table one border more.
    kept = list(importance)
    while len(kept) > 2 and 1 + sum(widths[column] + 3 for column in kept) > width:
        kept.pop()
    left_out = [column for column in found.columns if column not in kept]
    caption = f"{len(rows)} rows"
    if left_out:
        caption += f"; too narrow for {', '.join(left_out)}: see --out, or a wider terminal"
    table = Table(title=found.title, caption=caption)
    shown = [i for i, column in enumerate(found.columns) if column in kept]
    for i in shown:
        column = found.columns[i]
        table.add_column(column, no_wrap=True, min_width=widths[column])
    for row in texts:
        table.add_row(*(row[i] for i in shown))
    return table
