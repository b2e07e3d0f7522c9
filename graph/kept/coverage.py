"""Coverage kept in the graph (DESIGN §3, §8), so that no question recounts it.

- A building's and a household's covered intervals, `coveredSince` and `coveredUntil`
  (parallel lists of dates, ordered, disjoint and not touching): the union of the
  intervals of the assignments that cover it, `until` exclusive. A building: its
  BUILDING_GROUP assignments; a household: its CENTRAL_HOUSEHOLD assignments and, in a
  HOUSEYARD grid, the grid's HOUSEYARD_LEADER assignments. An open start is stored as
  OPEN_SINCE, an open end as OPEN_UNTIL (Neo4j lists hold no nulls).
- A grid's and a region's timeline: the days on which its figures change
  (`coverageDays`, ascending, the first OPEN_SINCE) and, in one list per figure
  (PROPERTIES), the figures from each of those days on. The figures at t are those of
  the last day ≤ t: a short list, read in one statement. A region's timeline is the sum
  of the timelines of the grids below it.

`refresh` recomputes the grids a write touched, in the write's own transaction, and adds
the difference to the regions above them; `rebuild` recomputes everything (migrations,
imports); `audit` recomputes without writing and names what differs.
"""

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.core.db import Database, Row, Transaction
from graph.core.errors import Unavailable
from graph.security.scope import unknown

OPEN_SINCE = date.min
OPEN_UNTIL = date.max
FIGURES = (
    "buildings",
    "coveredBuildings",
    "households",
    "coveredHouseholds",
    "grids",
    "gridsWithWorker",
    "people",  # not coverage, but kept the same way for stats (imports alone change it)
)
DAYS = "coverageDays"
PROPERTIES = {figure: f"coverage{figure[0].upper()}{figure[1:]}" for figure in FIGURES}
BUILDINGS, COVERED_BUILDINGS, HOUSEHOLDS, COVERED_HOUSEHOLDS, GRIDS, WITH_WORKER, PEOPLE = range(7)

Span = tuple[date, date]
# A timeline as changes: per day, how much each figure (in FIGURES' order) changes.
Deltas = dict[date, tuple[int, ...]]
Progress = Callable[[str, int, int], None]
GRID_BATCH = 100


def figures_at(node: str, into: str) -> str:
    """Cypher binding `into` to a map of the figures of the grid or region `node` at $asOf:
    those of the last day of its timeline that is not after $asOf."""
    days = f"coalesce(size({node}.{DAYS}), 0)"  # none for a null node: null figures
    last = f"last([i IN range(0, {days} - 1) WHERE {node}.{DAYS}[i] <= $asOf])"
    figures = ", ".join(f"{figure}: {node}.{PROPERTIES[figure]}[at]" for figure in FIGURES)
    return (
        f"OPTIONAL CALL ({node}) {{ WITH {node}, {last} AS at WHERE at IS NOT NULL "
        f"RETURN {{{figures}}} AS {into} }}"
    )


def covered_at(node: str) -> str:
    """Cypher: the building or household `node` is covered at $asOf, by its kept intervals."""
    return (
        f"any(i IN range(0, size({node}.coveredSince) - 1) "
        f"WHERE {node}.coveredSince[i] <= $asOf AND $asOf < {node}.coveredUntil[i])"
    )


def union(spans: Iterable[Sequence[date | None]]) -> list[Span]:
    """The union of assignment intervals (since, until; None open), merged and ordered."""
    ordered = sorted(
        (since or OPEN_SINCE, until or OPEN_UNTIL)
        for since, until in spans
        if since is None or until is None or since < until
    )
    merged: list[Span] = []
    for since, until in ordered:
        if merged and since <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], until))
        else:
            merged.append((since, until))
    return merged


def _stored(since: list[date] | None, until: list[date] | None) -> list[Span] | None:
    return None if since is None or until is None else list(zip(since, until, strict=True))


def _normal(changes: Mapping[date, Sequence[int]]) -> Deltas:
    """Without days that change nothing; OPEN_SINCE always."""
    kept = {day: tuple(change) for day, change in changes.items() if any(change)}
    kept.setdefault(OPEN_SINCE, (0,) * len(FIGURES))
    return dict(sorted(kept.items()))


def _add(into: dict[date, list[int]], deltas: Deltas, sign: int = 1) -> None:
    for day, change in deltas.items():
        row = into.setdefault(day, [0] * len(FIGURES))
        for i, value in enumerate(change):
            row[i] += sign * value


def difference(new: Deltas, old: Deltas) -> Deltas:
    changes: dict[date, list[int]] = {}
    _add(changes, new)
    _add(changes, old, -1)
    return {day: tuple(change) for day, change in changes.items() if any(change)}


def timeline_properties(deltas: Deltas) -> dict[str, list[Any]]:
    """The stored form: the days, and the running figures from each day on."""
    running = [0] * len(FIGURES)
    stored: dict[str, list[Any]] = {DAYS: [], **{name: [] for name in PROPERTIES.values()}}
    for day, change in sorted(deltas.items()):
        running = [total + value for total, value in zip(running, change, strict=True)]
        stored[DAYS].append(day)
        for figure, total in zip(FIGURES, running, strict=True):
            stored[PROPERTIES[figure]].append(total)
    return stored


def stored_deltas(row: Mapping[str, Any]) -> Deltas | None:
    """A timeline read back (a map of the stored properties), as changes; None if not kept."""
    days = row.get(DAYS)
    if days is None:
        return None
    columns = [row.get(PROPERTIES[figure]) or [] for figure in FIGURES]
    previous = (0,) * len(FIGURES)
    deltas: Deltas = {}
    for i, day in enumerate(days):
        current = tuple(column[i] if i < len(column) else 0 for column in columns)
        deltas[day] = tuple(now - then for now, then in zip(current, previous, strict=True))
        previous = current
    return deltas


@dataclass(frozen=True)
class GridCoverage:
    """What is kept for one grid, recomputed from its assignments."""

    code: str
    regions: tuple[str, ...]  # the regions above it, nearest first
    buildings: dict[str, list[Span]]
    households: dict[str, list[Span]]
    deltas: Deltas


def _grid_coverage(row: Row) -> GridCoverage:
    leaders = row["leaders"] if row["kind"] == "HOUSEYARD" else []
    buildings = {b["code"]: union(b["spans"]) for b in row["buildings"]}
    households = {h["id"]: union([*h["spans"], *leaders]) for h in row["households"]}
    changes: dict[date, list[int]] = defaultdict(lambda: [0] * len(FIGURES))
    changes[OPEN_SINCE][BUILDINGS] += len(buildings)
    changes[OPEN_SINCE][HOUSEHOLDS] += len(households)
    changes[OPEN_SINCE][GRIDS] += 1
    changes[OPEN_SINCE][PEOPLE] += row["people"]

    def count(spans: list[Span], figure: int) -> None:
        for since, until in spans:
            changes[since][figure] += 1
            if until != OPEN_UNTIL:
                changes[until][figure] -= 1

    for spans in buildings.values():
        count(spans, COVERED_BUILDINGS)
    for spans in households.values():
        count(spans, COVERED_HOUSEHOLDS)
    count(union(row["workers"]), WITH_WORKER)
    return GridCoverage(row["code"], tuple(row["regions"]), buildings, households, _normal(changes))


def _spans(role: str, target: str) -> str:
    return f"[({target})<-[:TARGETS]-(a:Assignment {{role: '{role}'}}) | [a.since, a.until]]"


def _timeline(node: str) -> str:
    names = [DAYS, *PROPERTIES.values()]
    return "{" + ", ".join(f"{name}: {node}.{name}" for name in names) + "}"


# Everything a grid's kept coverage is computed from, and what is kept now.
_GRID_FACTS = f"""
UNWIND $grids AS code
MATCH (g:Grid {{code: code}})
RETURN g.code AS code, g.kind AS kind,
  [(g)-[:IN]->(:Region)-[:PART_OF*0..]->(r:Region) | r.code] AS regions,
  {_spans("GRID_WORKER", "g")} AS workers,
  {_spans("HOUSEYARD_LEADER", "g")} AS leaders,
  COUNT {{ (g)<-[:IN]-(:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(:Person) }} AS people,
  COLLECT {{
    MATCH (g)<-[:IN]-(b:Building)
    RETURN {{code: b.code, spans: {_spans("BUILDING_GROUP", "b")},
             since: b.coveredSince, until: b.coveredUntil}}
  }} AS buildings,
  COLLECT {{
    MATCH (g)<-[:IN]-(:Building)<-[:IN]-(h:Household)
    RETURN {{id: h.id, spans: {_spans("CENTRAL_HOUSEHOLD", "h")},
             since: h.coveredSince, until: h.coveredUntil}}
  }} AS households,
  {_timeline("g")} AS timeline"""

# Writing (and removing) a property locks a node until commit: two writes on grids
# below one region add their changes to it one after the other.
_LOCK = """
UNWIND $grids AS code
MATCH (g:Grid {code: code})
SET g.coverageLock = true REMOVE g.coverageLock
WITH g MATCH (g)-[:IN]->(:Region)-[:PART_OF*0..]->(r:Region)
SET r.coverageLock = true REMOVE r.coverageLock"""

_SPANS = (("Building", "code"), ("Household", "id"))
_SET_SPANS = """
UNWIND $rows AS row
MATCH (n:{label} {{{key}: row.key}})
SET n.coveredSince = row.since, n.coveredUntil = row.until"""


def _set_timelines(label: str, key: str) -> str:
    names = [DAYS, *PROPERTIES.values()]
    sets = ", ".join(f"n.{name} = row.{name}" for name in names)
    return f"UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}}) SET {sets}"


_REGION_TIMELINES = f"""
UNWIND $regions AS code
MATCH (r:Region {{code: code}})
RETURN r.code AS code, {_timeline("r")} AS timeline"""


def _span_rows(kept: Mapping[str, list[Span]], stored: Mapping[str, list[Span] | None]) -> list:
    return [
        {"key": key, "since": [s for s, _ in spans], "until": [u for _, u in spans]}
        for key, spans in kept.items()
        if stored.get(key) != spans
    ]


async def _write_grids(tx: Transaction, rows: list[Row], computed: list[GridCoverage]) -> None:
    buildings, households, grids = [], [], []
    for row, grid in zip(rows, computed, strict=True):
        stored_b = {b["code"]: _stored(b["since"], b["until"]) for b in row["buildings"]}
        stored_h = {h["id"]: _stored(h["since"], h["until"]) for h in row["households"]}
        buildings += _span_rows(grid.buildings, stored_b)
        households += _span_rows(grid.households, stored_h)
        if stored_deltas(row["timeline"]) != grid.deltas:
            grids.append({"key": grid.code, **timeline_properties(grid.deltas)})
    if buildings:
        await tx.run(_SET_SPANS.format(label="Building", key="code"), {"rows": buildings})
    if households:
        await tx.run(_SET_SPANS.format(label="Household", key="id"), {"rows": households})
    if grids:
        await tx.run(_set_timelines("Grid", "code"), {"rows": grids})


async def refresh(tx: Transaction, grids: Sequence[str]) -> None:
    """Recompute what is kept for `grids` after a write in `tx` changed their coverage,
    and add the change of their timelines to the regions above them."""
    await tx.run(_LOCK, {"grids": list(grids)})
    rows = await tx.run(_GRID_FACTS, {"grids": list(grids)})
    computed = [_grid_coverage(row) for row in rows]
    await _write_grids(tx, rows, computed)
    changes: dict[str, dict[date, list[int]]] = defaultdict(dict)
    for row, grid in zip(rows, computed, strict=True):
        change = difference(grid.deltas, stored_deltas(row["timeline"]) or {})
        for region in grid.regions:
            _add(changes[region], change)
    if not changes:
        return
    regions = await tx.run(_REGION_TIMELINES, {"regions": list(changes)})
    updated = []
    for region in regions:
        total: dict[date, list[int]] = {}
        _add(total, stored_deltas(region["timeline"]) or {})
        _add(total, {day: tuple(change) for day, change in changes[region["code"]].items()})
        updated.append({"key": region["code"], **timeline_properties(_normal(total))})
    await tx.run(_set_timelines("Region", "code"), {"rows": updated})


async def prepare(db: Database) -> None:
    """Plan the statements `refresh` runs, on no rows, so that the first assignment after
    start-up does not wait for Neo4j to plan them (seconds each on a busy machine). Only a
    warm-up: one that times out is planned again when first used."""
    statements = [
        (_LOCK, {"grids": []}),
        (_GRID_FACTS, {"grids": []}),
        (_REGION_TIMELINES, {"regions": []}),
        *((_SET_SPANS.format(label=label, key=key), {"rows": []}) for label, key in _SPANS),
        *((_set_timelines(label, "code"), {"rows": []}) for label in ("Grid", "Region")),
    ]
    for statement, params in statements:
        with contextlib.suppress(Unavailable):
            await db.write(statement, params)


# The grid a target of an assignment stands in (itself, for a grid).
TARGET_GRID = "head([(t)-[:IN*0..2]->(tg:Grid) | tg.code])"


async def _grid_codes(db: Database, within: str | None) -> list[str]:
    rows = await db.read(
        """OPTIONAL MATCH (top:Region {code: $within})
        CALL (top) {
          MATCH (g:Grid) WHERE $within IS NULL OR g.code = $within
             OR EXISTS { MATCH (g)-[:IN]->(:Region)-[:PART_OF*0..]->(top) }
          RETURN g.code AS code ORDER BY code
        }
        RETURN collect(code) AS codes""",
        {"within": within},
    )
    return rows[0]["codes"]


async def _recompute(
    db: Database,
    within: str | None,
    progress: Progress,
    each: Callable[[list[Row], list[GridCoverage]], Any],
    write: bool,
) -> None:
    codes = await _grid_codes(db, within)
    progress("grids", 0, len(codes))
    for start in range(0, len(codes), GRID_BATCH):
        batch = codes[start : start + GRID_BATCH]

        async def work(tx: Transaction, batch: list[str] = batch) -> list[Row]:
            rows = await tx.run(_GRID_FACTS, {"grids": batch})
            await _write_grids(tx, rows, [_grid_coverage(row) for row in rows])
            return rows

        if write:
            rows = await db.write_transaction(work)
        else:
            rows = await db.read(_GRID_FACTS, {"grids": batch})
        each(rows, [_grid_coverage(row) for row in rows])
        progress("grids", min(start + GRID_BATCH, len(codes)), len(codes))


def _region_sums(grids: Iterable[GridCoverage]) -> dict[str, dict[date, list[int]]]:
    sums: dict[str, dict[date, list[int]]] = defaultdict(dict)
    for grid in grids:
        for region in grid.regions:
            _add(sums[region], grid.deltas)
    return sums


async def rebuild(db: Database, progress: Progress | None = None) -> None:
    """Recompute everything kept, from the assignments: each grid and what stands in it,
    then every region from the grids below it (zero for a region with none)."""
    report = progress or (lambda step, done, total: None)
    computed: list[GridCoverage] = []
    await _recompute(db, None, report, lambda rows, grids: computed.extend(grids), write=True)
    sums = _region_sums(computed)
    codes = [row["code"] for row in await db.read("MATCH (r:Region) RETURN r.code AS code")]
    rows = [{"key": code, **timeline_properties(_normal(sums.get(code, {})))} for code in codes]
    report("regions", 0, len(rows))
    for start in range(0, len(rows), 1000):
        await db.write(_set_timelines("Region", "code"), {"rows": rows[start : start + 1000]})
        report("regions", min(start + 1000, len(rows)), len(rows))
    await prepare(db)  # the graph has changed: plans made on the old one may be remade


async def _exists(db: Database, code: str) -> bool:
    rows = await db.read(
        "RETURN EXISTS { MATCH (r:Region {code: $code}) } "
        "OR EXISTS { MATCH (g:Grid {code: $code}) } AS found",
        {"code": code},
    )
    return rows[0]["found"]


async def missing(db: Database) -> bool:
    """Whether a grid or region has no kept coverage: a graph written by an older version,
    or by the bulk importer."""
    rows = await db.read(
        f"RETURN EXISTS {{ MATCH (g:Grid) WHERE g.{DAYS} IS NULL }} "
        f"OR EXISTS {{ MATCH (r:Region) WHERE r.{DAYS} IS NULL }} AS missing"
    )
    return rows[0]["missing"]


@dataclass(frozen=True)
class Difference:
    """A grid or region whose kept coverage is not what its assignments make it."""

    code: str
    what: str


@dataclass(frozen=True)
class CoverageAudit:
    grids: int
    regions: int
    differences: list[Difference]


def _first_difference(kept: Deltas | None, recounted: Deltas) -> str | None:
    if kept is None:
        return "no coverage kept"
    if kept == recounted:
        return None
    kept_at, recounted_at = timeline_properties(kept), timeline_properties(recounted)
    days = sorted(set(kept_at[DAYS]) | set(recounted_at[DAYS]))
    for day in days:
        for figure in FIGURES:
            have = _figure_on(kept_at, figure, day)
            want = _figure_on(recounted_at, figure, day)
            if have != want:
                shown = "always" if day == OPEN_SINCE else f"from {day.isoformat()}"
                return f"{figure} {shown}: kept {have}, recounted {want}"
    return "timeline stored differently"


def _figure_on(stored: Mapping[str, list[Any]], figure: str, day: date) -> int:
    at = [i for i, since in enumerate(stored[DAYS]) if since <= day]
    return stored[PROPERTIES[figure]][at[-1]] if at else 0


async def audit(
    db: Database, within: str | None, progress: Progress | None = None
) -> CoverageAudit:
    """Recompute the kept coverage of every grid within `within` (everywhere when None)
    and of every region within it, without writing, and name each that differs."""
    report = progress or (lambda step, done, total: None)
    if within is not None and not await _exists(db, within):
        raise unknown(within)
    differences: list[Difference] = []
    computed: list[GridCoverage] = []

    def check(rows: list[Row], grids: list[GridCoverage]) -> None:
        for row, grid in zip(rows, grids, strict=True):
            computed.append(grid)
            what = _first_difference(stored_deltas(row["timeline"]), grid.deltas)
            stored_b = {b["code"]: _stored(b["since"], b["until"]) for b in row["buildings"]}
            stored_h = {h["id"]: _stored(h["since"], h["until"]) for h in row["households"]}
            wrong_b = [key for key, spans in grid.buildings.items() if stored_b[key] != spans]
            wrong_h = [key for key, spans in grid.households.items() if stored_h[key] != spans]
            if what is None and wrong_b:
                what = f"covered intervals of building {wrong_b[0]}"
            if what is None and wrong_h:
                what = f"covered intervals of household {wrong_h[0]}"
            if what is not None:
                differences.append(Difference(grid.code, what))

    await _recompute(db, within, report, check, write=False)
    rows = await db.read(
        f"""OPTIONAL MATCH (top:Region {{code: $within}})
        MATCH (r:Region) WHERE ($within IS NULL OR EXISTS {{ MATCH (r)-[:PART_OF*0..]->(top) }})
        RETURN r.code AS code, {_timeline("r")} AS timeline ORDER BY code""",
        {"within": within},
    )
    sums = _region_sums(computed)
    for row in rows:
        what = _first_difference(stored_deltas(row["timeline"]), _normal(sums.get(row["code"], {})))
        if what is not None:
            differences.append(Difference(row["code"], what))
    return CoverageAudit(len(computed), len(rows), differences)
