"""Scopes of DESIGN §5: a region code (the region and all below it) or a grid code."""

from graph.db import Database
from graph.errors import NotFound


def grids_within(scope: str) -> str:
    """Cypher binding `g` to every grid within `scope` (a variable holding a code): the
    grid itself, or the grids of the region and of every region below it."""
    return f"""CALL ({scope}) {{
      MATCH (g:Grid {{code: {scope}}}) RETURN g
      UNION
      MATCH (:Region {{code: {scope}}})<-[:PART_OF*0..]-(:Region)<-[:IN]-(g:Grid) RETURN g
    }}"""


# The same, for a statement whose scope is the parameter $within.
GRIDS_WITHIN = f"WITH $within AS within {grids_within('within')}"

# Binds `r` to the region $within and every region below it (none for a grid).
REGIONS_WITHIN = "MATCH (:Region {code: $within})<-[:PART_OF*0..]-(r:Region)"


def grid_in_scope(grid: str) -> str:
    """Cypher predicate: the grid bound to `grid` lies within the reader's `$scope` (a list of
    region or grid codes; null for the whole city). Walks up from the grid, a few hops."""
    return (
        f"($scope IS NULL OR {grid}.code IN $scope OR EXISTS {{ "
        f"MATCH ({grid})-[:IN]->(:Region)-[:PART_OF*0..]->(s:Region) WHERE s.code IN $scope }})"
    )


async def require(db: Database, within: str) -> None:
    """NOT_FOUND when `within` names no region and no grid: never an empty answer."""
    rows = await db.read(
        "OPTIONAL MATCH (r:Region {code: $within}) OPTIONAL MATCH (g:Grid {code: $within}) "
        "RETURN r IS NOT NULL OR g IS NOT NULL AS found",
        {"within": within},
    )
    if not rows[0]["found"]:
        raise unknown(within)


def unknown(within: str) -> NotFound:
    return NotFound(f"No region or grid has the code {within!r}.")
