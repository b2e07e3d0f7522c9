"""Governance centres and service stations: records and the walks that reach them."""

from dataclasses import dataclass

from graph.core.batch import Lookup, Walk
from graph.core.db import Row
from graph.core.model import GovernanceLevel, StationKind
from graph.security.scope import center_visible, station_visible


@dataclass(frozen=True)
class GovernanceCenter:
    id: str
    name: str
    level: GovernanceLevel
    region_code: str

    @classmethod
    def from_row(cls, row: Row) -> "GovernanceCenter":
        return cls(row["id"], row["name"], GovernanceLevel(row["level"]), row["regionCode"])


@dataclass(frozen=True)
class ServiceStation:
    id: str
    name: str
    kind: StationKind
    address: str | None
    region_code: str
    grid_code: str | None

    @classmethod
    def from_row(cls, row: Row) -> "ServiceStation":
        return cls(
            row["id"],
            row["name"],
            StationKind(row["kind"]),
            row["address"],
            row["regionCode"],
            row["gridCode"],
        )


CENTER = ".id, .name, .level, regionCode: head([(n)-[:SERVES]->(r:Region) | r.code])"
STATION = (
    ".id, .name, .kind, .address, "
    "regionCode: head([(n)-[:IN]->(r:Region) | r.code]), "
    "gridCode: head([(n)-[:IN]->(g:Grid) | g.code])"
)

CENTERS = Lookup("GovernanceCenter", "id", CENTER, GovernanceCenter.from_row, center_visible("n"))
STATIONS = Lookup("ServiceStation", "id", STATION, ServiceStation.from_row, station_visible("n"))

REGION_CENTERS = Walk(
    "MATCH (:Region {code: parent})<-[:SERVES]-(n:GovernanceCenter)",
    "id",
    CENTER,
    GovernanceCenter.from_row,
)
REGION_STATIONS = Walk(
    "MATCH (:Region {code: parent})<-[:IN]-(n:ServiceStation)",
    "id",
    STATION,
    ServiceStation.from_row,
    station_visible("n"),
)
GRID_STATIONS = Walk(
    "MATCH (:Grid {code: parent})<-[:IN]-(n:ServiceStation)", "id", STATION, ServiceStation.from_row
)
