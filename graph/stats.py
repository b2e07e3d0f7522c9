"""Counts of everything in a scope, or in the whole graph, in one statement."""

from dataclasses import dataclass
from datetime import date

from graph.core.db import Database
from graph.core.records import record
from graph.kept.coverage import COUNTS, figures_at
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
    organisations: int
    social_organisations: int
    volunteer_teams: int
    volunteers: int
    dual_reporters: int
    projects: int  # of joint creation (graph.projects)
    meetings: int


# The field of Stats each of the kept COUNTS answers.
_SNAKE = {
    "cases": "cases",
    "redStations": "red_stations",
    "canteens": "canteens",
    "organisations": "organisations",
    "socialOrganisations": "social_organisations",
    "volunteerTeams": "volunteer_teams",
}

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
    CALL () {{
      MATCH (n:Organisation)
      RETURN count(n) AS organisations,
             count(CASE n.kind WHEN 'SOCIAL_ORG' THEN 1 END) AS social_organisations,
             count(CASE n.kind WHEN 'VOLUNTEER_TEAM' THEN 1 END) AS volunteer_teams
    }}
    CALL () {{
      MATCH (p:Person)-[m:VOLUNTEERS_IN]->(:Organisation) WHERE {active("m")}
      RETURN count(DISTINCT p) AS volunteers
    }}
    CALL () {{
      MATCH (p:Person)-[m:MEMBER_OF {{kind: 'DUAL_REPORT'}}]->(:PartyOrganization)
      WHERE {active("m")}
      RETURN count(DISTINCT p) AS dual_reporters
    }}
    CALL () {{ MATCH (n:Project) RETURN count(n) AS projects }}
    CALL () {{ MATCH (n:Meeting) RETURN count(n) AS meetings }}
    RETURN *"""

# Within regions or grids `tops` that do not overlap: grids, buildings and households from
# their kept coverage timelines (graph.kept.coverage), people and, for one top, its
# distinct people (party members, central households, volunteers, dual reporters) from
# their kept stats timelines; for several tops those are counted, since one person may
# count in two of them. Cases, stations and organisations from their kept totals;
# regions, party organisations and centres walked from the regions down; projects and
# meetings counted on the grids (a few thousand in the city), never on the buildings.
_PLACES = ("grids", "buildings", "households")
_PEOPLE = ("people", "partyMembers", "centralHouseholds", "volunteers", "dualReporters")
_REGIONS = "UNWIND tops AS top MATCH (top)<-[:PART_OF*0..]-(r:Region)"
_GRIDS = """UNWIND tops AS top CALL (top) {
      WITH top WHERE top:Grid RETURN top AS g
      UNION
      MATCH (top)<-[:PART_OF*0..]-(:Region)<-[:IN]-(g:Grid) RETURN g
    }"""
_TOPS = f"""
    CALL (tops) {{
      UNWIND tops AS top {figures_at("top", "kept", _PLACES)}
      RETURN sum(kept.grids) AS grids, sum(kept.buildings) AS buildings,
             sum(kept.households) AS households
    }}
    CALL (tops) {{
      WITH tops WHERE size(tops) = 1
      WITH tops[0] AS top {figures_at("top", "kept", _PEOPLE)}
      RETURN coalesce(kept.people, 0) AS people,
             coalesce(kept.partyMembers, 0) AS party_members,
             coalesce(kept.centralHouseholds, 0) AS central_households,
             coalesce(kept.volunteers, 0) AS volunteers,
             coalesce(kept.dualReporters, 0) AS dual_reporters
      UNION
      WITH tops WHERE size(tops) <> 1
      CALL (tops) {{
        UNWIND tops AS top {figures_at("top", "kept", ("people",))}
        RETURN sum(kept.people) AS people
      }}
      CALL (tops) {{
        {_REGIONS} MATCH (r)<-[:BELONGS_TO]-(:PartyOrganization)<-[m:MEMBER_OF]-(p:Person)
        WHERE {active("m")}
        RETURN count(DISTINCT p) AS party_members
      }}
      CALL (tops) {{
        MATCH (a:Assignment {{role: 'CENTRAL_HOUSEHOLD'}})-[:HELD_BY]->(p:Person)
        WHERE {active("a")} AND EXISTS {{
          MATCH (a)-[:TARGETS]->(:Household)-[:IN]->(:Building)-[:IN]->(g:Grid)
          WHERE g IN tops OR EXISTS {{
            MATCH (g)-[:IN]->(:Region)-[:PART_OF*0..]->(above) WHERE above IN tops }} }}
        RETURN count(DISTINCT p) AS central_households
      }}
      CALL (tops) {{
        CALL (tops) {{
          {_REGIONS} MATCH (r)<-[:BASED_IN]-(o:Organisation) RETURN o
          UNION
          {_GRIDS} MATCH (g)<-[:BASED_IN]-(o:Organisation) RETURN o
        }}
        MATCH (o)<-[m:VOLUNTEERS_IN]-(p:Person) WHERE {active("m")}
        RETURN count(DISTINCT p) AS volunteers
      }}
      CALL (tops) {{
        {_REGIONS} MATCH (r)<-[:BELONGS_TO]-(:PartyOrganization)
              <-[m:MEMBER_OF {{kind: 'DUAL_REPORT'}}]-(p:Person)
        WHERE {active("m")}
        RETURN count(DISTINCT p) AS dual_reporters
      }}
      RETURN people, party_members, central_households, volunteers, dual_reporters
    }}
    CALL (tops) {{ {_REGIONS} RETURN count(r) AS regions }}
    CALL (tops) {{
      {_REGIONS} MATCH (r)<-[:BELONGS_TO]-(o:PartyOrganization)
      RETURN count(o) AS party_organizations
    }}
    CALL (tops) {{
      {_REGIONS} MATCH (r)<-[:SERVES]-(c:GovernanceCenter)
      RETURN count(c) AS governance_centers
    }}
    CALL (tops) {{
      UNWIND tops AS top
      RETURN {", ".join(f"sum(top.{name}) AS {_SNAKE[figure]}" for figure, name in COUNTS.items())}
    }}
    CALL (tops) {{
      {_GRIDS}
      RETURN sum(COUNT {{ (g)<-[:IN]-(:Project) }}) AS projects,
             sum(COUNT {{ (g)<-[:IN]-(:Meeting) }}) AS meetings
    }}"""

# One `within`, checked in the same statement (graph.security.scope.within_checked).
_WITHIN = f"""{scope.within_checked()}
    WITH top, found, allowed, [top] AS tops
    {_TOPS}
    RETURN found, allowed, {", ".join(Stats.__dataclass_fields__)}"""

# A scoped reader's whole scope: its codes, less those within another of them.
_SCOPE = f"""
    UNWIND $scope AS code
    OPTIONAL MATCH (region:Region {{code: code}})
    OPTIONAL MATCH (grid:Grid {{code: code}})
    WITH DISTINCT coalesce(region, grid) AS top
    WHERE top IS NOT NULL AND NOT EXISTS {{
      MATCH (top)-[:IN|PART_OF*1..]->(above) WHERE above.code IN $scope }}
    WITH collect(top) AS tops
    {_TOPS}
    RETURN {", ".join(Stats.__dataclass_fields__)}"""


async def stats(db: Database, within: str | None, as_of: date) -> Stats:
    """The figures of `within`, or of all the reader may see (the city or the scope): one
    statement, which also checks that `within` exists and lies within the reader's scope."""
    if within is not None:
        (row,) = await db.read(_WITHIN, {"within": within, "asOf": as_of})
        scope.judge(db, within, row)
    else:
        statement = _EVERYWHERE if db.scope is None else _SCOPE
        (row,) = await db.read(statement, {"asOf": as_of})
    return record(Stats, row)
