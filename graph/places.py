"""Regions, grids, buildings and households: records and the walks between them."""

from dataclasses import dataclass
from functools import partial

from graph.core.batch import Lookup, Walk
from graph.core.db import Database
from graph.core.model import GridKind, HouseholdKind, RegionLevel
from graph.core.records import record
from graph.security.scope import grid_in_scope, placed_in_scope, region_visible


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None


@dataclass(frozen=True)
class Grid:
    code: str
    name: str
    kind: GridKind
    region_code: str


@dataclass(frozen=True)
class Building:
    code: str
    name: str | None
    address: str | None
    grid_code: str


@dataclass(frozen=True)
class Household:
    id: str
    door: str | None
    kind: HouseholdKind
    building_code: str


REGION = ".code, .name, .level, parent_code: head([(n)-[:PART_OF]->(p:Region) | p.code])"
GRID = ".code, .name, .kind, region_code: head([(n)-[:IN]->(r:Region) | r.code])"
BUILDING = ".code, .name, .address, grid_code: head([(n)-[:IN]->(g:Grid) | g.code])"
HOUSEHOLD = ".id, .door, .kind, building_code: head([(n)-[:IN]->(b:Building) | b.code])"

REGIONS = Lookup("Region", "code", REGION, partial(record, Region), region_visible("n"))
GRIDS = Lookup("Grid", "code", GRID, partial(record, Grid), grid_in_scope("n"))
BUILDINGS = Lookup("Building", "code", BUILDING, partial(record, Building), placed_in_scope("n"))
HOUSEHOLDS = Lookup("Household", "id", HOUSEHOLD, partial(record, Household), placed_in_scope("n"))

# The regions at the top of the divisions (the city): where a reader of the whole city
# starts walking down.
TOP_REGIONS = (
    "MATCH (n:Region) WHERE NOT EXISTS { (n)-[:PART_OF]->(:Region) } "
    f"AND {region_visible('n')} RETURN n {{{REGION}}} AS row ORDER BY n.code"
)


async def top_regions(db: Database) -> list[Region]:
    return [record(Region, row["row"]) for row in await db.read(TOP_REGIONS)]


# Walks down from a grid, building or household need no predicate: the reader sees
# those only within the scope. From a region above the scope, only the way to it shows.

REGION_CHILDREN = Walk(
    "MATCH (:Region {code: parent})<-[:PART_OF]-(n:Region)",
    "code",
    REGION,
    partial(record, Region),
    region_visible("n"),
)
REGION_GRIDS = Walk(
    "MATCH (:Region {code: parent})<-[:PART_OF*0..]-(:Region)<-[:IN]-(n:Grid)",
    "code",
    GRID,
    partial(record, Grid),
    grid_in_scope("n"),
)
GRID_BUILDINGS = Walk(
    "MATCH (:Grid {code: parent})<-[:IN]-(n:Building)", "code", BUILDING, partial(record, Building)
)
BUILDING_HOUSEHOLDS = Walk(
    "MATCH (:Building {code: parent})<-[:IN]-(n:Household)",
    "id",
    HOUSEHOLD,
    partial(record, Household),
)
