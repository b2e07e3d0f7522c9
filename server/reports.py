"""Planners' downloads: coverage and the uncovered lists of a scope, as CSV tables.

The same reports serve `GET /reports/{name}.csv` and `govgraph report NAME`. The CSV
is UTF-8 with a byte-order mark, which spreadsheet software in China needs to
show Chinese text correctly.
"""

import csv
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from graph.core.errors import Forbidden, GovgraphError
from resolvers import party
from resolvers.context import Context
from resolvers.paging import MAX_FIRST, Page
from schema import schema
from schema.access import refused, who_may


@dataclass(frozen=True)
class Report:
    title: str
    columns: list[str]
    rows: list[list[Any]]

    def csv(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue().encode("utf-8-sig")


async def coverage(ctx: Context, within: str, as_of: date) -> Report:
    report = await party.coverage(ctx, within, as_of, depth=1)
    parts = await party.coverage_children(ctx, report)
    columns = [
        "code", "name", "buildings", "covered_buildings", "building_coverage",
        "households", "covered_households", "household_coverage", "grids", "grids_with_worker",
    ]  # fmt: skip
    rows = [
        [
            part.within,
            part.name,
            part.buildings,
            part.covered_buildings,
            f"{part.building_coverage:.1%}",
            part.households,
            part.covered_households,
            f"{part.household_coverage:.1%}",
            part.grids,
            part.grids_with_worker,
        ]
        for part in [report, *parts]
    ]
    return Report(f"Coverage of {report.name} ({within}) on {as_of}", columns, rows)


async def _all_pages(fetch: Callable[[str | None], Awaitable[Page[Any]]]) -> list[Any]:
    found: list[Any] = []
    after = None
    while True:
        page = await fetch(after)
        found += page.nodes
        if not page.page_info.has_next_page:
            return found
        after = page.page_info.end_cursor


async def uncovered_buildings(ctx: Context, within: str, as_of: date) -> Report:
    buildings = await _all_pages(
        lambda after: party.uncovered_buildings(ctx, within, as_of, MAX_FIRST, after)
    )
    grids = await ctx.loaders.places.grid.load_many([b.grid_code for b in buildings])
    columns = ["code", "name", "address", "grid_code", "grid_name"]
    rows = [
        [b.code, b.name, b.address, g.code, g.name] for b, g in zip(buildings, grids, strict=True)
    ]
    return Report(f"Uncovered buildings in {within} on {as_of}", columns, rows)


async def uncovered_households(ctx: Context, within: str, as_of: date) -> Report:
    households = await _all_pages(
        lambda after: party.uncovered_households(ctx, within, as_of, MAX_FIRST, after)
    )
    buildings = await ctx.loaders.places.building.load_many([h.building_code for h in households])
    columns = ["id", "door", "kind", "building_code", "building_name", "address", "grid_code"]
    rows = [
        [h.id, h.door, h.kind.value, b.code, b.name, b.address, b.grid_code]
        for h, b in zip(households, buildings, strict=True)
    ]
    return Report(f"Uncovered households in {within} on {as_of}", columns, rows)


class ReportName(StrEnum):
    coverage = "coverage"
    uncovered_buildings = "uncovered-buildings"
    uncovered_households = "uncovered-households"


REPORTS: dict[ReportName, Callable[[Context, str, date], Awaitable[Report]]] = {
    ReportName.coverage: coverage,
    ReportName.uncovered_buildings: uncovered_buildings,
    ReportName.uncovered_households: uncovered_households,
}

REPORT_FIELDS = {
    ReportName.coverage: "coverage",
    ReportName.uncovered_buildings: "uncoveredBuildings",
    ReportName.uncovered_households: "uncoveredHouseholds",
}

router = APIRouter()


@router.get("/reports/{name}.csv", summary="Download a planner's report as CSV")
async def download(
    request: Request,
    name: ReportName,
    within: Annotated[str, Query(description="A region or grid code.")],
    as_of: Annotated[date | None, Query(alias="asOf", description="Default: today.")] = None,
) -> Response:
    principal = request.app.state.authenticator.principal(request.headers.get("authorization"))
    ctx = Context(request.app.state.db, principal=principal)
    try:
        # The same rule as the GraphQL field that gives the same figures.
        field = REPORT_FIELDS[name]
        if refused(schema._schema, principal, [("Query", field)]):
            raise Forbidden(
                f"The {name.value} report needs {who_may(schema._schema, 'Query.' + field)}."
            )
        report = await REPORTS[name](ctx, within, as_of or ctx.today())
    except GovgraphError as error:
        status = {"NOT_FOUND": 404, "BAD_USER_INPUT": 400, "FORBIDDEN": 403}.get(error.code, 503)
        return PlainTextResponse(error.message, status_code=status)
    filename = f"{name.value}-{within}-{as_of or ctx.today()}.csv"
    return Response(
        report.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
