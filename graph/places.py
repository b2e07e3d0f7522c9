"""Regions, grids, buildings and households: records and the walks between them."""

from dataclasses import dataclass

from graph.core.batch import Lookup, Walk
from graph.core.db import Database, Row
from graph.core.model import GridKind, HouseholdKind, RegionLevel
from graph.security.scope import grid_in_scope, placed_in_scope, region_visible


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None

    @classmethod
    def from_row(cls, row: Row) -> "Region":
        return cls(row["code"], row["name"], RegionLevel(row["level"]), row["parentCode"])


@dataclass(frozen=True)
class Grid:
    code: str
    name: str
    kind: GridKind
    region_code: str

    @classmethod
    def from_row(cls, row: Row) -> "Grid":
        return cls(row["code"], row["name"], GridKind(row["kind"]), row["regionCode"])


@dataclass(frozen=True)
class Building:
    code: str
    name: str | None
    address: str | None
    grid_code: str

    @classmethod
    def from_row(cls, row: Row) -> "Building":
        return cls(row["code"], row["name"], row["address"], row["gridCode"])


@dataclass(frozen=True)
class Household:
    id: str
    door: str | None
    kind: HouseholdKind
    building_code: str

    @classmethod
    def from_row(cls, row: Row) -> "Household":
        return cls(row["id"], row["door"], HouseholdKind(row["kind"]), row["buildingCode"])


REGION = ".code, .name, .level, parentCode: head([(n)-[:PART_OF]->(p:Region) | p.code])"
GRID = ".code, .name, .kind, regionCode: head([(n)-[:IN]->(r:Region) | r.code])"
BUILDING = ".code, .name, .address, gridCode: head([(n)-[:IN]->(g:Grid) | g.code])"
HOUSEHOLD = ".id, .door, .kind, buildingCode: head([(n)-[:IN]->(b:Building) | b.code])"

REGIONS = Lookup("Region", "code", REGION, Region.from_row, region_visible("n"))
GRIDS = Lookup("Grid", "code", GRID, Grid.from_row, grid_in_scope("n"))
BUILDINGS = Lookup("Building", "code", BUILDING, Building.from_row, placed_in_scope("n"))
HOUSEHOLDS = Lookup("Household", "id", HOUSEHOLD, Household.from_row, placed_in_scope("n"))

# The regions at the top of the divisions (the city): where a reader of the whole city
# starts walking down.
TOP_REGIONS = (
    "MATCH (n:Region) WHERE NOT EXISTS { (n)-[:PART_OF]->(:Region) } "
    f"AND {region_visible('n')} RETURN n {{{REGION}}} AS row ORDER BY n.code"
)


async def top_regions(db: Database) -> list[Region]:
    return [Region.from_row(row["row"]) for row in await db.read(TOP_REGIONS)]


# Walks down from a grid, building or household need no predicate: the reader sees
# those only within the scope. From a region above the scope, only the way to it shows.

REGION_CHILDREN = Walk(
    "MATCH (:Region {code: parent})<-[:PART_OF]-(n:Region)",
    "code",
    REGION,
    Region.from_row,
    region_visible("n"),
)
REGION_GRIDS = Walk(
    "MATCH (:Region {code: parent})<-[:PART_OF*0..]-(:Region)<-[:IN]-(n:Grid)",
    "code",
    GRID,
    Grid.from_row,
    grid_in_scope("n"),
)
GRID_BUILDINGS = Walk(
    "MATCH (:Grid {code: parent})<-[:IN]-(n:Building)", "code", BUILDING, Building.from_row
)
BUILDING_HOUSEHOLDS = Walk(
    "MATCH (:Building {code: parent})<-[:IN]-(n:Household)", "id", HOUSEHOLD, Household.from_row
)
