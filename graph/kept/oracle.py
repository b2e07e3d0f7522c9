"""The full recounts that the kept coverage replaced (graph.kept.coverage): every household
of a scope tested against every assignment that could cover it, on one date. They stay as
the oracle that tests hold the kept figures to, and they read as DESIGN §3 is written."""

from collections.abc import Sequence
from datetime import date
from functools import partial

from graph.core import batch
from graph.core.batch import Walk
from graph.core.db import Database, Row
from graph.core.model import Role
from graph.core.records import record
from graph.party import Coverage, active, coverage_from
from graph.places import BUILDING, HOUSEHOLD, Building, Household
from graph.security import scope
from graph.security.scope import grids_within
from graph.stats import Stats


def _targeted(node: str, role: Role) -> str:
    """Cypher: `node` is the target of an assignment in `role` active at $asOf."""
    return (
        f"EXISTS {{ MATCH ({node})<-[:TARGETS]-(a:Assignment {{role: '{role.value}'}}) "
        f"WHERE {active('a')} }}"
    )


UNCOVERED_BUILDINGS_WITHIN = Walk(
    f"""{grids_within("parent")}
    MATCH (g)<-[:IN]-(n:Building)
    WHERE NOT {_targeted("n", Role.BUILDING_GROUP)}""",
    "code",
    BUILDING,
    partial(record, Building),
)
# A house-yard grid `g` with an active leader covers all its households.
_LED_HOUSEYARD = f"g.kind = 'HOUSEYARD' AND {_targeted('g', Role.HOUSEYARD_LEADER)}"
UNCOVERED_HOUSEHOLDS_WITHIN = Walk(
    f"""{grids_within("parent")}
    WITH g WHERE NOT ({_LED_HOUSEYARD})
    MATCH (g)<-[:IN]-(:Building)<-[:IN]-(h:Household)
    WHERE NOT {_targeted("h", Role.CENTRAL_HOUSEHOLD)}
    WITH h AS n""",
    "id",
    HOUSEHOLD,
    partial(record, Household),
)


async def uncovered_buildings(db: Database, within: str, as_of: date) -> list[str]:
    """The codes of every building within `within` not covered at `as_of`, in order."""
    found = await batch.lists(db, UNCOVERED_BUILDINGS_WITHIN, [within], params={"asOf": as_of})
    return [building.code for building in found.get(within, [])]


async def uncovered_households(db: Database, within: str, as_of: date) -> list[str]:
    """The ids of every household within `within` not covered at `as_of`, in order."""
    found = await batch.lists(db, UNCOVERED_HOUSEHOLDS_WITHIN, [within], params={"asOf": as_of})
    return [household.id for household in found.get(within, [])]


_FIGURES = (
    "buildings",
    "coveredBuildings",
    "households",
    "coveredHouseholds",
    "grids",
    "gridsWithWorker",
)

# For each scope: its parts (child regions, or the grids of a community or
# village; none for a grid or an empty region) and the figures of each part,
# counted grid by grid over indexed relationships.
COVERAGE = f"""
UNWIND $scopes AS scope
OPTIONAL MATCH (region:Region {{code: scope}})
OPTIONAL MATCH (grid:Grid {{code: scope}})
OPTIONAL CALL (scope) {{
  MATCH (:Region {{code: scope}})<-[:PART_OF]-(c:Region) RETURN c.code AS part, c.name AS partName
  UNION
  MATCH (:Region {{code: scope}})<-[:IN]-(c:Grid) RETURN c.code AS part, c.name AS partName
}}
CALL (scope, part) {{
  WITH coalesce(part, scope) AS counted
  {grids_within("counted")}
  CALL (g) {{
    MATCH (g)<-[:IN]-(b:Building)
    RETURN count(b) AS buildings,
           count(CASE WHEN {_targeted("b", Role.BUILDING_GROUP)} THEN 1 END) AS coveredBuildings
  }}
  CALL (g) {{
    WITH g, {_LED_HOUSEYARD} AS led
    MATCH (g)<-[:IN]-(:Building)<-[:IN]-(h:Household)
    RETURN count(h) AS households,
           count(CASE WHEN led OR {_targeted("h", Role.CENTRAL_HOUSEHOLD)} THEN 1 END)
             AS coveredHouseholds
  }}
  WITH g, buildings, coveredBuildings, households, coveredHouseholds,
       {_targeted("g", Role.GRID_WORKER)} AS hasWorker
  RETURN sum(buildings) AS buildings, sum(coveredBuildings) AS coveredBuildings,
         sum(households) AS households, sum(coveredHouseholds) AS coveredHouseholds,
         count(g) AS grids, count(CASE WHEN hasWorker THEN 1 END) AS gridsWithWorker
}}
RETURN scope, coalesce(region.name, grid.name) AS name, part, partName,
       {", ".join(_FIGURES)}
ORDER BY scope, part"""


async def coverage_of(db: Database, scopes: Sequence[str], as_of: date) -> dict[str, Coverage]:
    """The coverage of each scope that exists, with its parts (whose own parts are None)."""
    rows = await db.read(COVERAGE, {"scopes": list(scopes), "asOf": as_of})
    by_scope: dict[str, list[Row]] = {}
    for row in rows:
        if row["name"] is not None:
            by_scope.setdefault(row["scope"], []).append(row)
    found = {}
    for code, parts in by_scope.items():
        children = tuple(
            coverage_from(row["part"], row["partName"], as_of, counts=row)
            for row in parts
            if row["part"]
        )
        totals = {key: sum(row[key] for row in parts) for key in _FIGURES}
        found[code] = coverage_from(code, parts[0]["name"], as_of, counts=totals, children=children)
    return found


# Scopes (a list of codes $within that may overlap: one `within`, or a scoped reader's
# whole scope): each figure counted on its own from the distinct regions (none for a
# grid) or grids, so no subquery carries a large list into the next.
_GRIDS = f"UNWIND $within AS within {scope.grids_within('within')} WITH DISTINCT g"
_REGIONS = (
    "UNWIND $within AS within MATCH (:Region {code: within})<-[:PART_OF*0..]-(r:Region) "
    f"WITH DISTINCT r WHERE {scope.region_in_scope('r')}"
)
_WITHIN = f"""
    CALL () {{ {_REGIONS} RETURN count(r) AS regions }}
    CALL () {{ {_GRIDS} RETURN count(g) AS grids }}
    CALL () {{ {_GRIDS} MATCH (g)<-[:IN]-(b:Building) RETURN count(b) AS buildings }}
    CALL () {{
      {_GRIDS} MATCH (g)<-[:IN]-(:Building)<-[:IN]-(h:Household)
      RETURN count(h) AS households
    }}
    CALL () {{
      {_GRIDS} MATCH (g)<-[:IN]-(:Building)<-[:IN]-(:Household)<-[:LIVES_IN]-(p:Person)
      RETURN count(p) AS people
    }}
    CALL () {{
      {_REGIONS} MATCH (r)<-[:BELONGS_TO]-(o:PartyOrganization)
      RETURN count(o) AS party_organizations
    }}
    CALL () {{
      {_REGIONS} MATCH (r)<-[:BELONGS_TO]-(:PartyOrganization)<-[m:MEMBER_OF]-(p:Person)
      WHERE {active("m")}
      RETURN count(DISTINCT p) AS party_members
    }}
    CALL () {{
      {_GRIDS} MATCH (g)<-[:IN]-(:Building)<-[:IN]-(:Household)
            <-[:TARGETS]-(a:Assignment {{role: 'CENTRAL_HOUSEHOLD'}})-[:HELD_BY]->(p:Person)
      WHERE {active("a")}
      RETURN count(DISTINCT p) AS central_households
    }}
    CALL () {{
      {_REGIONS} MATCH (r)<-[:SERVES]-(c:GovernanceCenter)
      RETURN count(c) AS governance_centers
    }}
    CALL () {{
      CALL () {{
        {_REGIONS} MATCH (r)<-[:IN]-(s:ServiceStation) RETURN s
        UNION
        {_GRIDS} MATCH (g)<-[:IN]-(s:ServiceStation) RETURN s
      }}
      RETURN count(CASE s.kind WHEN 'RED_STATION' THEN 1 END) AS red_stations,
             count(CASE s.kind WHEN 'CANTEEN' THEN 1 END) AS canteens
    }}
    CALL () {{ {_GRIDS} MATCH (g)<-[:REPORTED_IN]-(c:Case) RETURN count(c) AS cases }}
    CALL () {{
      CALL () {{
        {_REGIONS} MATCH (r)<-[:BASED_IN]-(o:Organisation) RETURN o
        UNION
        {_GRIDS} MATCH (g)<-[:BASED_IN]-(o:Organisation) RETURN o
      }}
      RETURN count(o) AS organisations,
             count(CASE o.kind WHEN 'SOCIAL_ORG' THEN 1 END) AS social_organisations,
             count(CASE o.kind WHEN 'VOLUNTEER_TEAM' THEN 1 END) AS volunteer_teams
    }}
    CALL () {{
      CALL () {{
        {_REGIONS} MATCH (r)<-[:BASED_IN]-(o:Organisation) RETURN o
        UNION
        {_GRIDS} MATCH (g)<-[:BASED_IN]-(o:Organisation) RETURN o
      }}
      MATCH (o)<-[m:VOLUNTEERS_IN]-(p:Person) WHERE {active("m")}
      RETURN count(DISTINCT p) AS volunteers
    }}
    CALL () {{
      {_REGIONS} MATCH (r)<-[:BELONGS_TO]-(:PartyOrganization)
            <-[m:MEMBER_OF {{kind: 'DUAL_REPORT'}}]-(p:Person)
      WHERE {active("m")}
      RETURN count(DISTINCT p) AS dual_reporters
    }}
    CALL () {{ {_GRIDS} MATCH (g)<-[:IN]-(j:Project) RETURN count(j) AS projects }}
    CALL () {{ {_GRIDS} MATCH (g)<-[:IN]-(m:Meeting) RETURN count(m) AS meetings }}
    RETURN *"""


async def stats(db: Database, within: Sequence[str], as_of: date) -> Stats:
    """The figures of Query.stats within the codes `within` (which may overlap), each
    counted from the graph, walking every household."""
    rows = await db.read(_WITHIN, {"within": list(within), "asOf": as_of})
    return record(Stats, rows[0])
