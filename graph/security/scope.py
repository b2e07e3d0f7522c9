"""Scopes of DESIGN §5 (a region code: the region and all below it; or a grid code), and the
reader's scope of issue #6, which every statement receives as the parameter `$scope`.

`$scope` is a list of region or grid codes, or null for the whole city. The predicates
below begin with `$scope IS NULL OR`, which the planner tests before any subquery, so an
unrestricted reader pays nothing for them. What a scoped reader may see:

- a grid within the scope, and what stands in it: buildings, households, cases;
- a region within the scope, and the regions above it (their names and codes are public
  divisions, and a grid must answer `region`): walking down from those shows only what
  lies within the scope, or on the way to it;
- herself (the token's `sub`, as `$me`), and a person who lives within the scope, holds
  an assignment there, is a member of a party organisation of a region within it, or
  reported or acted on a case there;
- a party organisation of a region within the scope or holding an assignment there, and
  the organisations above it; a governance centre of a region it may see.
"""

from collections.abc import Mapping

from graph.core.db import Database, Transaction
from graph.core.errors import Forbidden, GovgraphError, NotFound

# Each predicate names its own variables (no two alike), so that they nest in each
# other and in any statement without clashing.


def _grid(grid: str) -> str:
    return (
        f"({grid}.code IN $scope OR EXISTS {{ MATCH ({grid})-[:IN]->(:Region)"
        f"-[:PART_OF*0..]->(scopeRegion:Region) WHERE scopeRegion.code IN $scope }})"
    )


def grid_in_scope(grid: str) -> str:
    """The grid bound to `grid` lies within the reader's scope. Walks up a few hops."""
    return f"($scope IS NULL OR {_grid(grid)})"


def _region(region: str) -> str:
    return (
        f"EXISTS {{ MATCH ({region})-[:PART_OF*0..]->(scopeTop:Region) "
        f"WHERE scopeTop.code IN $scope }}"
    )


def region_in_scope(region: str) -> str:
    """The region bound to `region` lies within the reader's scope."""
    return f"($scope IS NULL OR {_region(region)})"


def region_visible(region: str) -> str:
    """The region lies within the scope, or above a region or grid of it."""
    return (
        f"($scope IS NULL OR {_region(region)} "
        f"OR EXISTS {{ MATCH (scopeBelow:Region)-[:PART_OF*0..]->({region}) "
        f"WHERE scopeBelow.code IN $scope }} "
        f"OR EXISTS {{ MATCH (scopeGrid:Grid)-[:IN]->(:Region)-[:PART_OF*0..]->({region}) "
        f"WHERE scopeGrid.code IN $scope }})"
    )


def _placed(node: str, grid: str) -> str:
    """A grid, building or household bound to `node` stands in a grid in scope."""
    return f"EXISTS {{ MATCH ({node})-[:IN*0..2]->({grid}:Grid) WHERE {_grid(grid)} }}"


def placed_in_scope(node: str) -> str:
    """The grid, building or household bound to `node` lies within the scope."""
    return f"($scope IS NULL OR {_placed(node, 'scopePlace')})"


def _case(case: str, grid: str) -> str:
    """A case bound to `case` was reported in a grid in scope."""
    return f"EXISTS {{ MATCH ({case})-[:REPORTED_IN]->({grid}:Grid) WHERE {_grid(grid)} }}"


def case_in_scope(case: str) -> str:
    """The case bound to `case` lies within the scope."""
    return f"($scope IS NULL OR {_case(case, 'scopeCasePlace')})"


def _organization(org: str) -> str:
    return (
        f"EXISTS {{ MATCH ({org})<-[:UNDER*0..]-(scopeOrg:PartyOrganization) WHERE "
        f"EXISTS {{ MATCH (scopeOrg)-[:BELONGS_TO]->(scopeOrgRegion:Region) "
        f"WHERE {_region('scopeOrgRegion')} }} "
        f"OR EXISTS {{ MATCH (scopeOrg)<-[:HELD_BY]-(:Assignment)-[:TARGETS]->(scopeOrgTarget) "
        f"WHERE {_placed('scopeOrgTarget', 'scopeOrgGrid')} }} }}"
    )


def organization_visible(org: str) -> str:
    """The party organisation, or one below it, belongs to a region within the scope or
    holds an assignment there."""
    return f"($scope IS NULL OR {_organization(org)})"


def person_visible(person: str) -> str:
    """The person is the reader, or lives within the scope, holds an assignment there, is a
    member of a party organisation of a region within it, or reported or acted on a case
    there."""
    return (
        f"($scope IS NULL OR {person}.id = $me "
        f"OR EXISTS {{ MATCH ({person})-[:LIVES_IN]->(scopeHome:Household) "
        f"WHERE {_placed('scopeHome', 'scopeHomeGrid')} }} "
        f"OR EXISTS {{ MATCH ({person})<-[:HELD_BY]-(:Assignment)-[:TARGETS]->(scopeDuty) "
        f"WHERE {_placed('scopeDuty', 'scopeDutyGrid')} }} "
        f"OR EXISTS {{ MATCH ({person})-[:MEMBER_OF]->(:PartyOrganization)"
        f"-[:BELONGS_TO]->(scopeBranch:Region) WHERE {_region('scopeBranch')} }} "
        f"OR EXISTS {{ MATCH ({person})<-[:REPORTED_BY|BY]-(scopeCase) "
        f"WHERE {_case('scopeCase', 'scopeCaseGrid')} "
        f"OR EXISTS {{ MATCH (scopeCase)<-[:HAS_EVENT]-(scopeEventCase:Case) "
        f"WHERE {_case('scopeEventCase', 'scopeEventGrid')} }} }})"
    )


def center_visible(center: str) -> str:
    """The governance centre serves a region the reader may see."""
    return (
        f"($scope IS NULL OR EXISTS {{ MATCH ({center})-[:SERVES]->(scopeServed:Region) "
        f"WHERE {region_visible('scopeServed')} }})"
    )


def station_visible(station: str) -> str:
    """The service station stands in a grid, or a region, within the scope."""
    return (
        f"($scope IS NULL OR EXISTS {{ MATCH ({station})-[:IN]->(scopeStationGrid:Grid) "
        f"WHERE {_grid('scopeStationGrid')} }} "
        f"OR EXISTS {{ MATCH ({station})-[:IN]->(scopeStationRegion:Region) "
        f"WHERE {_region('scopeStationRegion')} }})"
    )


def organisation_visible(organisation: str) -> str:
    """The organisation (a team, a social organisation, a stationed department) is based in
    a region the reader may see, as its centres are, or placed at a grid within the scope."""
    return (
        f"($scope IS NULL OR EXISTS {{ MATCH ({organisation})-[:BASED_IN]->(scopeBase:Region) "
        f"WHERE {region_visible('scopeBase')} }} "
        f"OR EXISTS {{ MATCH ({organisation})-[:BASED_IN]->(scopeBaseGrid:Grid) "
        f"WHERE {_grid('scopeBaseGrid')} }})"
    )


def grids_within(scope: str) -> str:
    """Cypher binding `g` to every grid within `scope` (a variable holding a code): the
    grid itself, or the grids of the region and of every region below it; and, whatever
    `scope` says, only those within the reader's scope."""
    return f"""CALL ({scope}) {{
      MATCH (g:Grid {{code: {scope}}}) WHERE {grid_in_scope("g")} RETURN g
      UNION
      MATCH (:Region {{code: {scope}}})<-[:PART_OF*0..]-(:Region)<-[:IN]-(g:Grid)
      WHERE {grid_in_scope("g")} RETURN g
    }}"""


# The same, for a statement whose scope is the parameter $within.
GRIDS_WITHIN = f"WITH $within AS within {grids_within('within')}"


async def require(db: Database, within: str) -> None:
    """A `within` argument (or a region looked up by code) must lie within the reader's
    scope, FORBIDDEN otherwise, whether it exists or not; for a reader of the whole city,
    NOT_FOUND when it names no region and no grid: never an empty answer."""
    rows = await db.read(f"{within_checked()} RETURN found, allowed", {"within": within})
    judge(db, within, rows[0])


def within_checked(within: str = "$within") -> str:
    """The one check of a `within` argument inside the statement that answers it, for
    `judge`: Cypher keeping what is bound before it and binding `top` (the region or grid
    whose code is `within`, an expression; null for none), `found` (there is one) and
    `allowed` (it lies within the reader's scope)."""
    return f"""OPTIONAL MATCH (withinRegion:Region {{code: {within}}})
OPTIONAL MATCH (withinGrid:Grid {{code: {within}}})
WITH *, coalesce(withinRegion, withinGrid) AS top, $scope IS NULL
  OR (withinRegion IS NOT NULL AND {_region("withinRegion")})
  OR (withinGrid IS NOT NULL AND {_grid("withinGrid")}) AS allowed
WITH *, top IS NOT NULL AS found"""


def judge(db: Database, within: str, checked: Mapping[str, bool]) -> None:
    """FORBIDDEN or NOT_FOUND, as `require` says, from a row carrying the `found` and
    `allowed` of `within_checked`."""
    if not checked["allowed"]:
        raise outside(db, within)
    if not checked["found"]:
        raise unknown(within)


def unknown(within: str) -> NotFound:
    return NotFound(f"No region or grid has the code {within!r}.")


def outside(db: Database | Transaction, what: str) -> Forbidden:
    """The one answer for anything outside the reader's scope, whether it exists or not."""
    return Forbidden(
        f"{what!r} is not within your scope ({', '.join(db.scope or ())}); ask for a token "
        "whose scope includes it."
    )


def unseen(db: Database | Transaction, what: str, missing: NotFound) -> GovgraphError:
    """What to say of something the reader cannot see: a scoped reader cannot tell what
    lies outside her scope from what does not exist at all."""
    return missing if db.scope is None else outside(db, what)
