"""Governance centres and service stations: records and the walks that reach them."""

from dataclasses import dataclass
from functools import partial

from graph.core.batch import Lookup, Walk
from graph.core.model import GovernanceLevel, StationKind
from graph.core.records import record
from graph.security.scope import center_visible, station_visible


@dataclass(frozen=True)
class GovernanceCenter:
    id: str
    name: str
    level: GovernanceLevel
    region_code: str


@dataclass(frozen=True)
class ServiceStation:
    id: str
    name: str
    kind: StationKind
    address: str | None
    region_code: str
    grid_code: str | None


CENTER = ".id, .name, .level, region_code: head([(n)-[:SERVES]->(r:Region) | r.code])"
STATION = (
    ".id, .name, .kind, .address, "
    "region_code: head([(n)-[:IN]->(r:Region) | r.code]), "
    "grid_code: head([(n)-[:IN]->(g:Grid) | g.code])"
)

CENTERS = Lookup(
    "GovernanceCenter", "id", CENTER, partial(record, GovernanceCenter), center_visible("n")
)
STATIONS = Lookup(
    "ServiceStation", "id", STATION, partial(record, ServiceStation), station_visible("n")
)

REGION_CENTERS = Walk(
    "MATCH (:Region {code: parent})<-[:SERVES]-(n:GovernanceCenter)",
    "id",
    CENTER,
    partial(record, GovernanceCenter),
)
REGION_STATIONS = Walk(
    "MATCH (:Region {code: parent})<-[:IN]-(n:ServiceStation)",
    "id",
    STATION,
    partial(record, ServiceStation),
    station_visible("n"),
)
GRID_STATIONS = Walk(
    "MATCH (:Grid {code: parent})<-[:IN]-(n:ServiceStation)",
    "id",
    STATION,
    partial(record, ServiceStation),
)
