"""Coverage kept in the graph (DESIGN §3, §8), so that no question recounts it.

- A building's and a household's covered intervals, `coveredSince` and `coveredUntil`
  (parallel lists of dates, ordered, disjoint and not touching): the union of the
  intervals of the assignments that cover it, `until` exclusive. A building: its
  BUILDING_GROUP assignments; a household: its CENTRAL_HOUSEHOLD assignments and, in a
  HOUSEYARD grid, the grid's HOUSEYARD_LEADER assignments. An open start is stored as
  OPEN_SINCE, an open end as OPEN_UNTIL (Neo4j lists hold no nulls).
- A grid's and a region's two timelines (TIMELINES), the coverage one and the stats one:
  each the days on which its figures change (`coverageDays`, `statsDays`; ascending, the
  first OPEN_SINCE) and, in one list per figure (PROPERTIES), the figures from each of
  those days on. The figures at t are those of the last day ≤ t: a short list, read in
  one statement. Two, because memberships and volunteering change on ten times as many
  days as coverage does: a coverage read scans only the days of coverage. The additive
  figures of a region are the sum of those of the grids below it; the DISTINCT ones
  (people holding an active CENTRAL_HOUSEHOLD assignment of a household within; people
  with an active membership, or dual-reporting membership, of an organisation within;
  people volunteering in an organisation based within) are counted per person, so that
  one counted in two grids of a region counts once in it.
- COUNTS: what stands within a grid or region on no date (cases, stations, organisations).

A write (`assign`, `endAssignment`) reads the facts of its target after taking the locks
of its grid and the regions above (LOCK), works out which days change by how much
(`change`), and `apply` adds that change to the timelines in Cypher, in the write's own
transaction: only the days from the first changed one on are rewritten. `rebuild`
recomputes everything (migrations, imports); `audit` recomputes without writing and names
what differs.
"""

import contextlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import takewhile
from typing import Any

from graph.core.db import Database, Row, Transaction
from graph.core.errors import Unavailable
from graph.core.model import Role
from graph.security.scope import unknown

OPEN_SINCE = date.min
OPEN_UNTIL = date.max
COVERAGE_FIGURES = (
    "buildings",
    "coveredBuildings",
    "households",
    "coveredHouseholds",
    "grids",
    "gridsWithWorker",
)
# Not coverage, but kept the same way for stats: imports alone change `people`, the
# memberships and the volunteers; `centralHouseholds` changes with every CENTRAL_HOUSEHOLD
# assignment.
STATS_FIGURES = ("people", "centralHouseholds", "partyMembers", "volunteers", "dualReporters")
# Worked out as one vector per day (FIGURES' order), stored as two timelines.
FIGURES = COVERAGE_FIGURES + STATS_FIGURES
DAYS = "coverageDays"
STATS_DAYS = "statsDays"
TIMELINES = {DAYS: COVERAGE_FIGURES, STATS_DAYS: STATS_FIGURES}
DAYS_OF = {figure: days for days, figures in TIMELINES.items() for figure in figures}
PROPERTIES = {
    figure: f"{days.removesuffix('Days')}{figure[0].upper()}{figure[1:]}"
    for days, figures in TIMELINES.items()
    for figure in figures
}
# Where a version before the split kept the stats figures: removed by the rebuild.
OBSOLETE = ("coveragePeople", "coverageCentralHouseholds", "coveragePartyMembers")
# Counts of what stands within a grid or region, on no date: plain totals, for stats.
COUNTS = {
    "cases": "keptCases",
    "redStations": "keptRedStations",
    "canteens": "keptCanteens",
    "organisations": "keptOrganisations",
    "socialOrganisations": "keptSocialOrganisations",
    "volunteerTeams": "keptVolunteerTeams",
}
(
    BUILDINGS,
    COVERED_BUILDINGS,
    HOUSEHOLDS,
    COVERED_HOUSEHOLDS,
    GRIDS,
    WITH_WORKER,
    PEOPLE,
    CENTRAL,
    MEMBERS,
    VOLUNTEERS,
    DUAL_REPORTERS,
) = range(len(FIGURES))

# The figures a region sums from the grids below it; the others are DISTINCT.
ADDITIVE = range(PEOPLE + 1)

Span = tuple[date, date]
# A timeline as changes: per day, how much each figure (in FIGURES' order) changes.
Deltas = dict[date, tuple[int, ...]]
Progress = Callable[[str, int, int], None]
GRID_BATCH = 100
PERSON_BATCH = 5000
WRITE_BATCH = 1000


def figures_at(node: str, into: str, figures: Sequence[str] = COVERAGE_FIGURES) -> str:
    """Cypher binding `into` to a map of `figures` (of one timeline) of the grid or region
    `node` at $asOf: those of the last day of its timeline that is not after $asOf (only
    those asked for are read: each is a list as long as the timeline)."""
    (timeline,) = {DAYS_OF[figure] for figure in figures}
    days = f"coalesce(size({node}.{timeline}), 0)"  # none for a null node: null figures
    last = f"last([i IN range(0, {days} - 1) WHERE {node}.{timeline}[i] <= $asOf])"
    read = ", ".join(f"{figure}: {node}.{PROPERTIES[figure]}[at]" for figure in figures)
    return (
        f"OPTIONAL CALL ({node}) {{ WITH {node}, {last} AS at WHERE at IS NOT NULL "
        f"RETURN {{{read}}} AS {into} }}"
    )


def covered_at(node: str) -> str:
    """Cypher: the building or household `node` is covered at $asOf, by its kept intervals."""
    return (
        # No intervals (a household written past the kept coverage, as by hand): uncovered.
        f"any(i IN range(0, coalesce(size({node}.coveredSince), 0) - 1) "
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


def _stored(since: list[date] | None, until: list[date] | None) -> list[Span]:
    """Kept intervals read back; none stored (as the bulk importer leaves an uncovered
    building, having no empty list to write) is no interval."""
    return [] if since is None or until is None else list(zip(since, until, strict=True))


def _normal(changes: Mapping[date, Sequence[int]]) -> Deltas:
    """Without days that change nothing; OPEN_SINCE always."""
    kept = {day: tuple(change) for day, change in changes.items() if any(change)}
    kept.setdefault(OPEN_SINCE, (0,) * len(FIGURES))
    return dict(sorted(kept.items()))


def add_changes(
    into: dict[date, list[int]], deltas: Mapping[date, Sequence[int]], sign: int = 1
) -> None:
    for day, change in deltas.items():
        row = into.setdefault(day, [0] * len(FIGURES))
        for i, value in enumerate(change):
            row[i] += sign * value


def count_spans(
    into: dict[date, list[int]], spans: Iterable[Span], figure: int, *, sign: int = 1
) -> None:
    """Add to `figure` one from each span's start and take one off from its end."""
    for since, until in spans:
        into.setdefault(since, [0] * len(FIGURES))[figure] += sign
        if until != OPEN_UNTIL:
            into.setdefault(until, [0] * len(FIGURES))[figure] -= sign


def _indices(figures: Sequence[str]) -> list[int]:
    return [FIGURES.index(figure) for figure in figures]


def timeline_properties(deltas: Deltas) -> dict[str, list[Any]]:
    """The stored form of both timelines: each its days (OPEN_SINCE and those on which one
    of its figures changes) and its running figures from each day on."""
    stored: dict[str, list[Any]] = {}
    for days, figures in TIMELINES.items():
        at = _indices(figures)
        running = [0] * len(at)
        stored[days] = []
        stored.update({PROPERTIES[figure]: [] for figure in figures})
        for day, change in sorted(deltas.items()):
            if day != OPEN_SINCE and not any(change[i] for i in at):
                continue
            running = [total + change[i] for total, i in zip(running, at, strict=True)]
            stored[days].append(day)
            for figure, total in zip(figures, running, strict=True):
                stored[PROPERTIES[figure]].append(total)
    return stored


def _column_deltas(days: Sequence[date], values: Sequence[int] | None) -> dict[date, int]:
    """One stored figure as its change on each of its timeline's days."""
    values = values or []
    previous, deltas = 0, {}
    for i, day in enumerate(days):
        current = values[i] if i < len(values) else 0
        deltas[day], previous = current - previous, current
    return deltas


def stored_deltas(row: Mapping[str, Any]) -> Deltas | None:
    """Both timelines read back (a map of the stored properties), as changes; None if
    either is not kept."""
    changes: dict[date, list[int]] = {}
    for days_name, figures in TIMELINES.items():
        days = row.get(days_name)
        if days is None:
            return None
        for figure in figures:
            for day, delta in _column_deltas(days, row.get(PROPERTIES[figure])).items():
                changes.setdefault(day, [0] * len(FIGURES))[FIGURES.index(figure)] += delta
    return _normal(changes)


# --- One write: its target's facts, the change they make, applied in Cypher -------------


def _spans(role: str, target: str) -> str:
    return f"[({target})<-[:TARGETS]-(a:Assignment {{role: '{role}'}}) | [a.since, a.until]]"


def _covered(node: str, key: str, role: str) -> str:
    return (
        f"{{key: {node}.{key}, spans: {_spans(role, node)}, "
        f"since: {node}.coveredSince, until: {node}.coveredUntil}}"
    )


_REGIONS_ABOVE = "[(g)-[:IN]->(:Region)-[:PART_OF*0..]->(r:Region) | r.code]"

# Writing (and removing) a property locks a node until commit. Every write that changes
# coverage takes the locks of its target's grid and of the regions above it, nearest
# first, before it reads anything kept: the writes below one region add their changes
# to it one after the other, each from what the one before left.
LOCK = """CALL (t) {
  MATCH (t)-[:IN*0..2]->(lg:Grid) SET lg._LOCK_ = true REMOVE lg._LOCK_
  WITH lg MATCH (lg)-[:IN]->(:Region)-[:PART_OF*0..]->(lr:Region)
  SET lr._LOCK_ = true REMOVE lr._LOCK_
}"""


def facts(role: Role) -> str:
    """Cypher binding `facts` to what the kept coverage of the target `t` of the assignment
    `n` in `role` is recomputed from, read after the write (and after LOCK)."""
    households = "CENTRAL_HOUSEHOLD"
    leaders = f"CASE g.kind WHEN 'HOUSEYARD' THEN {_spans('HOUSEYARD_LEADER', 'g')} ELSE [] END"
    by_role = {
        Role.CENTRAL_HOUSEHOLD: f"""households: [h IN [t] | {_covered("h", "id", households)}],
          leaders: {leaders},
          holder: COLLECT {{
            MATCH (n)-[:HELD_BY]->(p:Person)
            MATCH (p)<-[:HELD_BY]-(a:Assignment {{role: '{households}'}})
                  -[:TARGETS]->(:Household)-[:IN]->(:Building)-[:IN]->(ag:Grid)
            RETURN {{id: a.id, since: a.since, until: a.until, nodes: [ag.code] +
                     [(ag)-[:IN]->(:Region)-[:PART_OF*0..]->(ar:Region) | ar.code]}} }}""",
        Role.HOUSEYARD_LEADER: f"""households: COLLECT {{
            MATCH (g)<-[:IN]-(:Building)<-[:IN]-(h:Household)
            RETURN {_covered("h", "id", households)} }},
          leaders: {leaders}""",
        Role.BUILDING_GROUP: f"buildings: [b IN [t] | {_covered('b', 'code', 'BUILDING_GROUP')}]",
        Role.GRID_WORKER: f"""workers: {_spans("GRID_WORKER", "g")},
          timeline: {{days: g.{DAYS_OF["gridsWithWorker"]},
                      values: g.{PROPERTIES["gridsWithWorker"]}}}""",
    }
    return f"""WITH n, t OPTIONAL CALL (n, t) {{
  MATCH (t)-[:IN*0..2]->(g:Grid)
  RETURN {{chain: [g.code] + {_REGIONS_ABOVE}, {by_role[role]}}} AS facts
}}"""


@dataclass
class Change:
    """What one write changes: intervals to store, and per grid or region (its code) how
    much each figure changes on which day."""

    buildings: list[dict[str, Any]] = field(default_factory=list)
    households: list[dict[str, Any]] = field(default_factory=list)
    timelines: dict[str, dict[date, list[int]]] = field(default_factory=dict)


def _intervals(rows: Sequence[Row], extra: list[Span], figure: int, *, into: Change) -> Deltas:
    """New covered intervals of buildings or households, and the change they make."""
    changes: dict[date, list[int]] = {}
    for row in rows:
        spans = union([*row["spans"], *extra])
        stored = _stored(row["since"], row["until"])
        if spans != stored:
            count_spans(changes, spans, figure)
            count_spans(changes, stored, figure, sign=-1)
            rows_into = into.buildings if figure == COVERED_BUILDINGS else into.households
            rows_into.append(
                {"key": row["key"], "since": [s for s, _ in spans], "until": [u for _, u in spans]}
            )
    return {day: tuple(change) for day, change in changes.items()}


def change(role: Role, found: Row, *, assignment: str, before: Span | None) -> Change:
    """The change of the kept coverage that a write of the assignment `assignment` in
    `role` made, from `facts` read after it; `before` its interval before the write (None
    when it is new)."""
    into = Change()
    everywhere: dict[date, list[int]] = {}  # the same change for the grid and each region
    if role is Role.BUILDING_GROUP:
        add_changes(everywhere, _intervals(found["buildings"], [], COVERED_BUILDINGS, into=into))
    elif role in (Role.CENTRAL_HOUSEHOLD, Role.HOUSEYARD_LEADER):
        leaders = union(found["leaders"])
        add_changes(
            everywhere, _intervals(found["households"], leaders, COVERED_HOUSEHOLDS, into=into)
        )
    elif role is Role.GRID_WORKER:
        timeline = found["timeline"]
        for day, delta in _column_deltas(timeline["days"] or [], timeline["values"]).items():
            everywhere.setdefault(day, [0] * len(FIGURES))[WITH_WORKER] -= delta
        count_spans(everywhere, union(found["workers"]), WITH_WORKER)
    for node in found["chain"]:
        into.timelines[node] = {day: list(delta) for day, delta in everywhere.items()}
    if role is Role.CENTRAL_HOUSEHOLD:
        # The holder counts once in each grid and region where they hold an active one.
        for node in found["chain"]:
            now = [(a["since"], a["until"]) for a in found["holder"] if node in a["nodes"]]
            then = [
                (a["since"], a["until"])
                for a in found["holder"]
                if node in a["nodes"] and a["id"] != assignment
            ] + ([before] if before else [])
            count_spans(into.timelines[node], union(now), CENTRAL)
            count_spans(into.timelines[node], union(then), CENTRAL, sign=-1)
    return into


# Adds a change to the timeline of each grid or region named: the days before the first
# changed one stay as they are; from it on, the days are those kept and those changed,
# each figure the one kept on that day plus the changes up to it, and a day that changes
# nothing from the one before is left out.
_FIGURE_TAIL = (
    "[x IN at | coalesce(n.{name}[x[0]], 0) "
    "+ CASE x[1] WHEN 0 THEN 0 ELSE tl.prefix[x[1] - 1][{i}] END] AS f{i}"
)
_DIFFERS = "f{i}[j] <> CASE j WHEN 0 THEN coalesce(n.{name}[p0 - 1], 0) ELSE f{i}[j - 1] END"


def _add_to_timeline(days: str) -> str:
    """Cypher adding the rows of the parameter named `days` (_timeline_rows) to the
    timeline whose days are kept in `days`."""
    names = [PROPERTIES[figure] for figure in TIMELINES[days]]
    each = range(len(names))
    # Only the lists that change are written: a write's commit costs what it writes.
    set_changed = "\n  ".join(
        f"FOREACH (_ IN CASE WHEN f{i} <> coalesce(n.{name}, [])[p0..] THEN [1] ELSE [] END | "
        f"SET n.{name} = coalesce(n.{name}, [])[..p0] + f{i})"
        for i, name in enumerate(names)
    )
    return f"""CALL () {{
  UNWIND ${days} AS tl
  OPTIONAL MATCH (grid:Grid {{code: tl.code}})
  OPTIONAL MATCH (region:Region {{code: tl.code}})
  WITH tl, coalesce(grid, region) AS n WHERE n IS NOT NULL
  WITH tl, n, coalesce(n.{days}, [$openSince]) AS old
  WITH tl, n, old, size([d IN old WHERE d < tl.days[0]]) AS p0
  WITH tl, n, old, p0, [d IN tl.days WHERE NOT d IN old[p0..]] AS inserted
  WITH tl, n, old, p0, inserted,
       COLLECT {{ UNWIND old[p0..] + inserted AS d RETURN d ORDER BY d }} AS tail
  WITH tl, n, old, p0, tail,
       [j IN range(0, size(tail) - 1) |
         [p0 + j - size([d IN inserted WHERE d <= tail[j]]),
          size([d IN tl.days WHERE d <= tail[j]])]] AS at
  WITH tl, n, old, p0, tail,
       {", ".join(_FIGURE_TAIL.format(name=name, i=i) for i, name in enumerate(names))}
  WITH n, old, p0, tail, {", ".join(f"f{i}" for i in each)},
       [j IN range(0, size(tail) - 1) WHERE (p0 = 0 AND j = 0)
         OR {" OR ".join(_DIFFERS.format(name=name, i=i) for i, name in enumerate(names))}
       ] AS keep
  WITH n, old, p0, [j IN keep | tail[j]] AS days,
       {", ".join(f"[j IN keep | f{i}[j]] AS f{i}" for i in each)}
  FOREACH (_ IN CASE WHEN days <> old[p0..] THEN [1] ELSE [] END |
    SET n.{days} = old[..p0] + days)
  {set_changed}
}}"""


_APPLY = f"""
CALL () {{
  UNWIND $buildings AS row MATCH (n:Building {{code: row.key}})
  SET n.coveredSince = row.since, n.coveredUntil = row.until
}}
CALL () {{
  UNWIND $households AS row MATCH (n:Household {{id: row.key}})
  SET n.coveredSince = row.since, n.coveredUntil = row.until
}}
{chr(10).join(_add_to_timeline(days) for days in TIMELINES)}"""


def case_added(grid: str) -> str:
    """Cypher: one case more in the grid `grid` and each region above it (the additions
    read what they add to under its lock: concurrent reports count one after the other)."""
    name = COUNTS["cases"]
    return f"""SET {grid}.{name} = coalesce({grid}.{name}, 0) + 1
    WITH *
    CALL ({grid}) {{
      MATCH ({grid})-[:IN]->(:Region)-[:PART_OF*0..]->(above:Region)
      SET above.{name} = coalesce(above.{name}, 0) + 1
    }}"""


def _timeline_rows(
    timelines: Mapping[str, Mapping[date, Sequence[int]]], figures: Sequence[str]
) -> list[dict[str, Any]]:
    """Each grid's or region's change of `figures` (one timeline's) as the days on which
    they change and the running sum of their changes up to each: what _APPLY adds."""
    at = _indices(figures)
    rows = []
    for code, changes in timelines.items():
        days = sorted(day for day, delta in changes.items() if any(delta[i] for i in at))
        running = [0] * len(at)
        prefix = []
        for day in days:
            running = [total + changes[day][i] for total, i in zip(running, at, strict=True)]
            prefix.append(running)
        if days:
            rows.append({"code": code, "days": days, "prefix": prefix})
    return rows


async def apply(tx: Transaction, update: Change) -> None:
    """Write a change worked out by `change`, in the write's transaction: one statement."""
    await tx.run(
        _APPLY,
        {
            "buildings": update.buildings,
            "households": update.households,
            **{
                days: _timeline_rows(update.timelines, figures)
                for days, figures in TIMELINES.items()
            },
            "openSince": OPEN_SINCE,
        },
    )


async def prepare(db: Database) -> None:
    """Plan the statements a write runs, on no rows, so that the first assignment after
    start-up does not wait for Neo4j to plan them (seconds each on a busy machine). Only a
    warm-up: one that times out is planned again when first used."""
    empty = {
        "buildings": [],
        "households": [],
        **{days: [] for days in TIMELINES},
        "openSince": OPEN_SINCE,
    }
    with contextlib.suppress(Unavailable):
        await db.write(_APPLY, empty)


# --- Everything at once: rebuild and audit ----------------------------------------------


def _grid_deltas(row: Row) -> tuple[dict[str, list[Span]], dict[str, list[Span]], Deltas]:
    """A grid's buildings' and households' intervals and its additive figures."""
    leaders = union(row["leaders"]) if row["kind"] == "HOUSEYARD" else []
    buildings = {b["code"]: union(b["spans"]) for b in row["buildings"]}
    households = {h["id"]: union([*h["spans"], *leaders]) for h in row["households"]}
    changes: dict[date, list[int]] = {OPEN_SINCE: [0] * len(FIGURES)}
    changes[OPEN_SINCE][BUILDINGS] += len(buildings)
    changes[OPEN_SINCE][HOUSEHOLDS] += len(households)
    changes[OPEN_SINCE][GRIDS] += 1
    changes[OPEN_SINCE][PEOPLE] += row["people"]
    for spans in buildings.values():
        count_spans(changes, spans, COVERED_BUILDINGS)
    for spans in households.values():
        count_spans(changes, spans, COVERED_HOUSEHOLDS)
    count_spans(changes, union(row["workers"]), WITH_WORKER)
    return buildings, households, {day: tuple(change) for day, change in changes.items()}


def _timeline(node: str) -> str:
    names = [*TIMELINES, *PROPERTIES.values()]
    return "{" + ", ".join(f"{name}: {node}.{name}" for name in names) + "}"


# Everything a grid's kept coverage is computed from, and what is kept now.
_GRID_FACTS = f"""
UNWIND $grids AS code
MATCH (g:Grid {{code: code}})
RETURN g.code AS code, g.kind AS kind,
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

# People who hold a CENTRAL_HOUSEHOLD assignment, a membership or a volunteer's place, a
# batch at a time in order of id, with where each of those stands (a grid; an
# organisation's region; a volunteer organisation's region or grid). A batch is one row:
# the driver's cost per row, not the database, was most of the pass.
_PERSON_FACTS = """
MATCH (p:Person) WHERE p.id > $after AND (
  EXISTS { (p)<-[:HELD_BY]-(:Assignment {role: 'CENTRAL_HOUSEHOLD'}) }
  OR EXISTS { (p)-[:MEMBER_OF]->(:PartyOrganization) }
  OR EXISTS { (p)-[:VOLUNTEERS_IN]->(:Organisation) })
WITH p ORDER BY p.id LIMIT $limit
RETURN collect([p.id,
  [(p)<-[:HELD_BY]-(a:Assignment {role: 'CENTRAL_HOUSEHOLD'})
     -[:TARGETS]->(:Household)-[:IN]->(:Building)-[:IN]->(g:Grid) |
   [a.since, a.until, g.code]],
  [(p)-[m:MEMBER_OF]->(:PartyOrganization)-[:BELONGS_TO]->(r:Region) |
   [m.since, m.until, r.code]],
  [(p)-[m:MEMBER_OF {kind: 'DUAL_REPORT'}]->(:PartyOrganization)-[:BELONGS_TO]->(r:Region) |
   [m.since, m.until, r.code]],
  [(p)-[v:VOLUNTEERS_IN]->(:Organisation)-[:BASED_IN]->(x) WHERE x:Region OR x:Grid |
   [v.since, v.until, x.code]]]) AS people"""

_SPANS = (("Building", "code"), ("Household", "id"))
_SET_SPANS = """
UNWIND $rows AS row
MATCH (n:{label} {{{key}: row.key}})
SET n.coveredSince = row.since, n.coveredUntil = row.until"""


def _set_timelines(label: str) -> str:
    names = [*TIMELINES, *PROPERTIES.values(), *COUNTS.values()]
    sets = ", ".join(f"n.{name} = row.{name}" for name in names)
    removed = ", ".join(f"n.{name}" for name in OBSOLETE)
    return f"UNWIND $rows AS row MATCH (n:{label} {{code: row.key}}) SET {sets} REMOVE {removed}"


def _span_rows(kept: Mapping[str, list[Span]], stored: Mapping[str, list[Span]]) -> list:
    return [
        {"key": key, "since": [s for s, _ in spans], "until": [u for _, u in spans]}
        for key, spans in kept.items()
        if stored.get(key) != spans
    ]


async def _places(db: Database, within: str | None) -> tuple[dict[str, list[str]], list[str]]:
    """Each grid within `within` (everywhere when None) with the grid and the regions it
    counts in (itself first), and the regions within, in order of code."""
    (row,) = await db.read(
        f"""OPTIONAL MATCH (top:Region {{code: $within}})
        RETURN COLLECT {{
          MATCH (g:Grid) WHERE $within IS NULL OR g.code = $within
             OR EXISTS {{ MATCH (g)-[:IN]->(:Region)-[:PART_OF*0..]->(top) }}
          WITH g ORDER BY g.code RETURN [g.code, [g.code] + {_REGIONS_ABOVE}]
        }} AS grids, COLLECT {{
          MATCH (r:Region)
          WHERE $within IS NULL OR EXISTS {{ MATCH (r)-[:PART_OF*0..]->(top) }}
          WITH r ORDER BY r.code RETURN r.code
        }} AS regions""",
        {"within": within},
    )
    return {code: nodes for code, nodes in row["grids"]}, row["regions"]


@dataclass
class _Recount:
    """Every timeline within a scope recomputed, as changes, with what it needs."""

    timelines: dict[str, dict[date, list[int]]] = field(default_factory=dict)
    stored: dict[str, Deltas | None] = field(default_factory=dict)
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (grid, what) of intervals
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    stored_counts: dict[str, dict[str, int | None]] = field(default_factory=dict)


async def _recount(
    db: Database,
    within: str | None,
    report: Progress,
    *,
    write: bool,
    above: Sequence[str] = (),
) -> tuple[_Recount, list[str], list[str]]:
    """Every figure of the grids and regions within; of the regions `above`, only the
    DISTINCT figures and the COUNTS (their grids' figures are not all read)."""
    grids, regions = await _places(db, within)
    counted = set(grids) | set(regions)
    recount = _Recount({code: {} for code in [*grids, *regions, *above]})
    codes = list(grids)
    report("grids", 0, len(codes))
    for start in range(0, len(codes), GRID_BATCH):
        batch = codes[start : start + GRID_BATCH]
        rows = await db.read(_GRID_FACTS, {"grids": batch})
        changed_b: list[dict[str, Any]] = []
        changed_h: list[dict[str, Any]] = []
        for row in rows:
            buildings, households, deltas = _grid_deltas(row)
            stored_b = {b["code"]: _stored(b["since"], b["until"]) for b in row["buildings"]}
            stored_h = {h["id"]: _stored(h["since"], h["until"]) for h in row["households"]}
            wrong_b, wrong_h = _span_rows(buildings, stored_b), _span_rows(households, stored_h)
            if wrong_b:
                recount.wrong.append(
                    (row["code"], f"covered intervals of building {wrong_b[0]['key']}")
                )
            elif wrong_h:
                recount.wrong.append(
                    (row["code"], f"covered intervals of household {wrong_h[0]['key']}")
                )
            changed_b += wrong_b
            changed_h += wrong_h
            recount.stored[row["code"]] = stored_deltas(row["timeline"])
            for node in grids[row["code"]]:
                if node in counted:
                    add_changes(recount.timelines[node], deltas)
        if write and (changed_b or changed_h):

            async def work(tx: Transaction, b: list = changed_b, h: list = changed_h) -> None:
                for (label, key), rows_of in zip(_SPANS, (b, h), strict=True):
                    if rows_of:
                        await tx.run(_SET_SPANS.format(label=label, key=key), {"rows": rows_of})

            await db.write_transaction(work)
        report("grids", min(start + GRID_BATCH, len(codes)), len(codes))
    chains = await _chains(db)
    await _count_people(db, recount, chains, report=report)
    await _count_places(db, recount, chains)
    return recount, codes, regions


def count_person(
    timelines: Mapping[str, dict[date, list[int]]],
    figure: int,
    facts: Iterable[Sequence[Any]],
    *,
    nodes_of: Mapping[str, Sequence[str]],
) -> None:
    """One person in a DISTINCT figure: in each grid or region of `timelines` that one of
    her `facts` (since, until, the code of where it stands) counts in (`nodes_of` the
    code), the union of the intervals of those facts counts once."""
    spans: dict[str, list[tuple[date | None, date | None]]] = defaultdict(list)
    for since, until, code in facts:
        for node in nodes_of.get(code, ()):
            if node in timelines:
                spans[node].append((since, until))
    for node, node_spans in spans.items():
        count_spans(timelines[node], union(node_spans), figure)


@dataclass(frozen=True)
class _Chains:
    """Every region and every grid of the graph with those it counts in (itself first):
    what a person or a thing counted above a recount's scope stands in may lie outside it."""

    regions: dict[str, list[str]]
    grids: dict[str, list[str]]

    @cached_property
    def places(self) -> dict[str, list[str]]:
        """Both: an organisation or a station stands in a region or a grid."""
        return {**self.regions, **self.grids}


async def _chains(db: Database) -> _Chains:
    (row,) = await db.read(
        "RETURN COLLECT { MATCH (r:Region) "
        "  RETURN [r.code, [(r)-[:PART_OF*0..]->(a:Region) | a.code]] } AS regions, "
        f"COLLECT {{ MATCH (g:Grid) RETURN [g.code, [g.code] + {_REGIONS_ABOVE}] }} AS grids"
    )
    return _Chains(dict(row["regions"]), dict(row["grids"]))


async def _count_people(
    db: Database, recount: _Recount, chains: _Chains, *, report: Progress
) -> None:
    """The DISTINCT figures, person by person: in each grid or region counted, the union of
    the intervals of a person's assignments (memberships, volunteering) there counts once."""
    above, grids, places = chains.regions, chains.grids, chains.places
    after, done = "", 0
    while True:
        (batch,) = await db.read(_PERSON_FACTS, {"after": after, "limit": PERSON_BATCH})
        people = batch["people"]
        for _, central, member, dual, volunteer in people:
            for figure, facts_of, nodes_of in (
                (CENTRAL, central, grids),
                (MEMBERS, member, above),
                (DUAL_REPORTERS, dual, above),
                (VOLUNTEERS, volunteer, places),
            ):
                count_person(recount.timelines, figure, facts_of, nodes_of=nodes_of)
        done += len(people)
        report("people", done, done)
        if len(people) < PERSON_BATCH:
            return
        after = people[-1][0]


# Every grid and region with what is kept of it; and every case with the
# grid it was REPORTED_IN, every station with the places it stands IN, every organisation
# with those it is BASED_IN (a station or an organisation may name a region and a grid).
# Each one row, as the people's batches.
_PLACES = f"""
CALL () {{ MATCH (n:Grid) RETURN n UNION MATCH (n:Region) RETURN n }}
RETURN collect([n.code,
  {{{", ".join(f"{figure}: n.{name}" for figure, name in COUNTS.items())}}}]) AS places"""
# The COUNTS of a kind of station or organisation; each organisation also counts in
# `organisations`.
STATION_FIGURES = {"RED_STATION": "redStations", "CANTEEN": "canteens"}
ORGANISATION_FIGURES = {"SOCIAL_ORG": "socialOrganisations", "VOLUNTEER_TEAM": "volunteerTeams"}
_THINGS = """
CALL () {
  MATCH (x:Case) RETURN ['cases'] AS figures, [(x)-[:REPORTED_IN]->(p:Grid) | p.code] AS places
  UNION ALL
  MATCH (x:ServiceStation) WHERE x.kind IN keys($stations)
  RETURN [$stations[x.kind]] AS figures,
         [(x)-[:IN]->(p) WHERE p:Grid OR p:Region | p.code] AS places
  UNION ALL
  MATCH (x:Organisation)
  RETURN ['organisations'] + [k IN [x.kind] WHERE k IN keys($organisations) | $organisations[k]]
           AS figures,
         [(x)-[:BASED_IN]->(p) WHERE p:Grid OR p:Region | p.code] AS places
}
RETURN collect([figures, places]) AS things"""


def count_thing(
    counts: Mapping[str, dict[str, int]],
    figures: Sequence[str],
    places: Iterable[str],
    *,
    above: Callable[[str], Sequence[str]],
) -> None:
    """A case, station or organisation counted once in each of `figures` of every grid or
    region of `counts` that one of its `places` is, or lies below."""
    for node in {node for place in places for node in above(place)}:
        if node in counts:
            for figure in figures:
                counts[node][figure] += 1


async def _count_places(db: Database, recount: _Recount, chains: _Chains) -> None:
    """The COUNTS of each grid and region counted."""
    (row,) = await db.read(_PLACES)
    recount.counts = {code: dict.fromkeys(COUNTS, 0) for code in recount.timelines}
    recount.stored_counts = dict(row["places"])
    things = {"stations": STATION_FIGURES, "organisations": ORGANISATION_FIGURES}
    (found,) = await db.read(_THINGS, things)
    for figures, places in found["things"]:
        count_thing(recount.counts, figures, places, above=lambda code: chains.places.get(code, ()))


def kept_properties(
    changes: Mapping[date, Sequence[int]], counts: Mapping[str, int]
) -> dict[str, Any]:
    """What a grid or region keeps: its timelines from their changes, and its COUNTS."""
    return {
        **timeline_properties(_normal(changes)),
        **{COUNTS[figure]: total for figure, total in counts.items()},
    }


async def rebuild(
    db: Database, progress: Progress | None = None, *, around: Collection[str] | None = None
) -> None:
    """Recompute everything kept, from the assignments and memberships: each grid and what
    stands in it, then every grid's and region's timeline (zero for a region with none).

    `around`: the grids and regions where what a write changed stood, before and after it
    (a partial import). Only the smallest grid or region holding them all is recounted;
    the regions above it add the change of its additive figures to what they keep, and
    recount their DISTINCT figures and COUNTS (a person or a case there may count in
    them from elsewhere too)."""
    report = progress or (lambda step, done, total: None)
    if around is not None and not around:  # nothing kept changed
        await db.write(_FRESH)
        return
    within = await _smallest_holding(db, around) if around else None
    above = await _above(db, within) if within else []
    stored = await _stored_timelines(db, [within, *above]) if above else {}
    recount, grids, regions = await _recount(db, within, report, write=True, above=above)
    for code in above:
        for deltas, sign in (
            (stored.get(code), 1),
            (stored.get(within), -1),  # none if the import made it
            (recount.timelines[within], 1),
        ):
            add_changes(recount.timelines[code], _additive(deltas or {}), sign)
    kept = {
        code: kept_properties(recount.timelines[code], recount.counts[code])
        for code in [*grids, *regions, *above]
    }
    await keep(db, kept, grids=grids, progress=report)


async def keep(
    db: Database,
    kept: Mapping[str, Mapping[str, Any]],
    *,
    grids: Collection[str],
    progress: Progress | None = None,
) -> None:
    """The kept properties of grids and regions by code (those of `grids` are grids'),
    written, recounted or tallied from an import's rows (graph/kept/tally.py); the
    coverage kept is whole again."""
    report = progress or (lambda step, done, total: None)
    for label, codes in (
        ("Grid", [code for code in kept if code in grids]),
        ("Region", [code for code in kept if code not in grids]),
    ):
        step = "grid timelines" if label == "Grid" else "regions"
        report(step, 0, len(codes))
        for start in range(0, len(codes), WRITE_BATCH):
            rows = [{"key": code, **kept[code]} for code in codes[start : start + WRITE_BATCH]]
            await db.write(_set_timelines(label), {"rows": rows})
            report(step, min(start + WRITE_BATCH, len(codes)), len(codes))
    await db.write(_FRESH)
    await prepare(db)  # the graph has changed: plans made on the old one may be remade


def _additive(deltas: Mapping[date, Sequence[int]]) -> Deltas:
    return {
        day: tuple(value if i in ADDITIVE else 0 for i, value in enumerate(change))
        for day, change in deltas.items()
    }


# Each place's regions from the city down, and the grid last.
_CHAINS = """
UNWIND $codes AS code
CALL (code) {
  MATCH (g:Grid {code: code})-[:IN]->(r:Region) RETURN [g.code] AS grid, r
  UNION
  MATCH (r:Region {code: code}) RETURN [] AS grid, r
}
MATCH path = (r)-[:PART_OF*0..]->(top:Region) WHERE NOT EXISTS { (top)-[:PART_OF]->() }
RETURN [n IN reverse(nodes(path)) | n.code] + grid AS chain"""


async def _smallest_holding(db: Database, places: Collection[str]) -> str | None:
    """The smallest grid or region that holds every one of `places`; None if none does."""
    chains = [row["chain"] for row in await db.read(_CHAINS, {"codes": sorted(places)})]
    common = chains[0] if chains else []
    for chain in chains[1:]:
        pairs = zip(common, chain, strict=False)  # the shorter ends the common part
        common = [code for code, _ in takewhile(lambda pair: pair[0] == pair[1], pairs)]
    return common[-1] if common else None


async def _above(db: Database, code: str) -> list[str]:
    """The regions above a grid or a region."""
    (row,) = await db.read(
        "RETURN COLLECT { MATCH (:Grid {code: $code})-[:IN]->(:Region)-[:PART_OF*0..]->(r) "
        "RETURN r.code } + COLLECT { MATCH (:Region {code: $code})-[:PART_OF*1..]->(r) "
        "RETURN r.code } AS above",
        {"code": code},
    )
    return row["above"]


async def _stored_timelines(db: Database, codes: Sequence[str]) -> dict[str, Deltas | None]:
    rows = await db.read(
        "UNWIND $codes AS code CALL (code) { MATCH (n:Grid {code: code}) RETURN n "
        "UNION MATCH (n:Region {code: code}) RETURN n } "
        f"RETURN n.code AS code, {_timeline('n')} AS timeline",
        {"codes": list(codes)},
    )
    return {row["code"]: stored_deltas(row["timeline"]) for row in rows}


async def _exists(db: Database, code: str) -> bool:
    rows = await db.read(
        "RETURN EXISTS { MATCH (r:Region {code: $code}) } "
        "OR EXISTS { MATCH (g:Grid {code: $code}) } AS found",
        {"code": code},
    )
    return rows[0]["found"]


async def missing(db: Database) -> bool:
    """Whether a grid or region lacks a kept figure, or keeps one where an older version
    did: a graph written by an older version, or an import killed before its rebuild."""
    names = [*TIMELINES, *PROPERTIES.values(), *COUNTS.values()]
    # A version before the split of the stats figures from coverage's timeline: rebuilt.
    absent = " OR ".join(
        [*(f"n.{name} IS NULL" for name in names), *(f"n.{name} IS NOT NULL" for name in OBSOLETE)]
    )
    rows = await db.read(
        f"RETURN EXISTS {{ MATCH (n:Grid) WHERE {absent} }} "
        f"OR EXISTS {{ MATCH (n:Region) WHERE {absent} OR n.{STALE} }} AS missing"
    )
    return rows[0]["missing"]


# Set by a write that changes what is kept without recomputing it in its own transaction
# (an import's switch): until the rebuild that follows ends, and at the next start if it
# never did, the kept figures count as missing.
STALE = "keptCoverageStale"
MARK_STALE = f"MATCH (n:Region {{level: 'CITY'}}) SET n.{STALE} = true"
_FRESH = f"MATCH (n:Region) WHERE n.{STALE} REMOVE n.{STALE}"


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
    days = sorted({day for name in TIMELINES for day in [*kept_at[name], *recounted_at[name]]})
    for day in days:
        for figure in FIGURES:
            have = _figure_on(kept_at, figure, day)
            want = _figure_on(recounted_at, figure, day)
            if have != want:
                shown = "always" if day == OPEN_SINCE else f"from {day.isoformat()}"
                return f"{figure} {shown}: kept {have}, recounted {want}"
    return "timeline stored differently"


def _figure_on(stored: Mapping[str, list[Any]], figure: str, day: date) -> int:
    at = [i for i, since in enumerate(stored[DAYS_OF[figure]]) if since <= day]
    return stored[PROPERTIES[figure]][at[-1]] if at else 0


async def audit(
    db: Database, within: str | None, progress: Progress | None = None
) -> CoverageAudit:
    """Recompute the kept coverage of every grid within `within` (everywhere when None)
    and of every region within it, without writing, and name each that differs."""
    report = progress or (lambda step, done, total: None)
    if within is not None and not await _exists(db, within):
        raise unknown(within)
    recount, grids, regions = await _recount(db, within, report, write=False)
    wrong = dict(recount.wrong)
    recount.stored.update(await _stored_timelines(db, regions))
    differences: list[Difference] = []
    for code in [*grids, *regions]:
        what = _first_difference(recount.stored.get(code), _normal(recount.timelines[code]))
        if what is None:
            what = wrong.get(code)
        if what is None:
            kept, want = recount.stored_counts.get(code, {}), recount.counts[code]
            what = next(
                (
                    f"{figure}: kept {kept.get(figure)}, recounted {want[figure]}"
                    for figure in COUNTS
                    if kept.get(figure) != want[figure]
                ),
                None,
            )
        if what is not None:
            differences.append(Difference(code, what))
    return CoverageAudit(len(grids), len(regions), differences)
