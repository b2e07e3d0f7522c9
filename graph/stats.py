"""Counts of everything in a scope, or in the whole graph, in one statement."""

from dataclasses import dataclass
from datetime import date

from graph.core.db import Database
from graph.core.records import record
from graph.party import active
from graph.security import scope


@dataclass(frozen=True)
class Stats:
    regions: int
    grids: int
    buildings: int
    households: int
    people: int
    party_organizations: int
    party_members: int
    central_households: int
    governance_centers: int
    red_stations: int
    canteens: int
    cases: int


# Whole graph: label counts come from Neo4j's count store.
_EVERYWHERE = f"""
    CALL () {{ MATCH (n:Region) RETURN count(n) AS regions }}
    CALL () {{ MATCH (n:Grid) RETURN count(n) AS grids }}
    CALL () {{ MATCH (n:Building) RETURN count(n) AS buildings }}
    CALL () {{ MATCH (n:Household) RETURN count(n) AS households }}
    CALL () {{ MATCH (n:Person) RETURN count(n) AS people }}
    CALL () {{ MATCH (n:PartyOrganization) RETURN count(n) AS party_organizations }}
    CALL () {{
      MATCH (p:Person)-[m:MEMBER_OF]->(:PartyOrganization) WHERE {active("m")}
      RETURN count(DISTINCT p) AS party_members
    }}
    CALL () {{
      MATCH (a:Assignment {{role: 'CENTRAL_HOUSEHOLD'}})-[:HELD_BY]->(p:Person)
      WHERE {active("a")}
      RETURN count(DISTINCT p) AS central_households
    }}
    CALL () {{ MATCH (n:GovernanceCenter) RETURN count(n) AS governance_centers }}
    CALL () {{ MATCH (n:ServiceStation {{kind: 'RED_STATION'}}) RETURN count(n) AS red_stations }}
    CALL () {{ MATCH (n:ServiceStation {{kind: 'CANTEEN'}}) RETURN count(n) AS canteens }}
    CALL () {{ MATCH (n:Case) RETURN count(n) AS cases }}
    RETURN *"""

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
    CALL () {{ {_GRIDS} MATCH (g)<-[:IN]-(c:Case) RETURN count(c) AS cases }}
    RETURN *"""


async def stats(db: Database, within: str | None, as_of: date) -> Stats:
    """The figures of `within`, or of all the reader may see: the city or the scope."""
    codes = [within] if within is not None else db.scope
    statement = _EVERYWHERE if codes is None else _WITHIN
    rows = await db.read(
        statement, {"within": None if codes is None else list(codes), "asOf": as_of}
    )
    return record(Stats, rows[0])
