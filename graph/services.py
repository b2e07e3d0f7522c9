"""Governance centres, service stations and organisations (social and mass organisations,
volunteer teams, departments stationed at a centre): records and the walks that reach them."""

from dataclasses import dataclass
from datetime import date
from functools import partial

from graph.core.batch import Lookup, Walk
from graph.core.model import GovernanceLevel, OrganisationKind, StationKind
from graph.core.records import record
from graph.people import PERSON, Person
from graph.security.scope import (
    center_visible,
    organisation_visible,
    person_visible,
    station_visible,
)


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
    services: tuple[str, ...]
    target_groups: tuple[str, ...]


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    kind: OrganisationKind
    region_code: str
    grid_code: str | None  # a team placed at a compound or house-yard
    center_id: str | None  # stationed at that governance centre


@dataclass(frozen=True)
class Volunteering:
    """A person's time in a volunteer team or organisation (DESIGN §2: dated, kept)."""

    person_id: str
    organisation_id: str
    since: date | None
    until: date | None


CENTER = ".id, .name, .level, region_code: head([(n)-[:SERVES]->(r:Region) | r.code])"
STATION = (
    ".id, .name, .kind, .address, "
    "region_code: head([(n)-[:IN]->(r:Region) | r.code]), "
    "grid_code: head([(n)-[:IN]->(g:Grid) | g.code]), "
    "services: coalesce(n.services, []), target_groups: coalesce(n.targetGroups, [])"
)
ORGANISATION = (
    ".id, .name, .kind, region_code: head([(n)-[:BASED_IN]->(r:Region) | r.code]), "
    "grid_code: head([(n)-[:BASED_IN]->(g:Grid) | g.code]), "
    "center_id: head([(n)-[:STATIONED_AT]->(c:GovernanceCenter) | c.id])"
)
VOLUNTEERING = ".since, .until, person_id: startNode(n).id, organisation_id: endNode(n).id"


def active(name: str) -> str:
    """Cypher: the dated link `name` is active at $asOf (DESIGN §3's rule)."""
    return (
        f"({name}.since IS NULL OR {name}.since <= $asOf) "
        f"AND ({name}.until IS NULL OR $asOf < {name}.until)"
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


# Stations of a region and of every region and grid below it, of one kind or of all
# (`$kind` null): stations without a grid (canteens, a village's red station) included.
STATIONS_WITHIN = Walk(
    """CALL (parent) {
      MATCH (:Region {code: parent})<-[:PART_OF*0..]-(:Region)<-[:IN]-(n:ServiceStation) RETURN n
      UNION
      MATCH (:Grid {code: parent})<-[:IN]-(n:ServiceStation) RETURN n
    } WITH n WHERE $kind IS NULL OR n.kind = $kind""",
    "id",
    STATION,
    partial(record, ServiceStation),
    station_visible("n"),
)

ORGANISATIONS = Lookup(
    "Organisation", "id", ORGANISATION, partial(record, Organisation), organisation_visible("n")
)
# Organisations based in the region itself (not below), or placed at the grid.
REGION_ORGANISATIONS = Walk(
    "MATCH (:Region {code: parent})<-[:BASED_IN]-(n:Organisation)",
    "id",
    ORGANISATION,
    partial(record, Organisation),
    organisation_visible("n"),
)
GRID_ORGANISATIONS = Walk(
    "MATCH (:Grid {code: parent})<-[:BASED_IN]-(n:Organisation)",
    "id",
    ORGANISATION,
    partial(record, Organisation),
)
# Who is stationed at a centre: mediators, police, court, petitions, lawyers …
CENTER_ORGANISATIONS = Walk(
    "MATCH (:GovernanceCenter {id: parent})<-[:STATIONED_AT]-(n:Organisation)",
    "id",
    ORGANISATION,
    partial(record, Organisation),
    organisation_visible("n"),
)
# Organisations within a region or grid (based there or anywhere below; one placed at a
# grid is based in the grid's region too), of one kind or all.
ORGANISATIONS_WITHIN = Walk(
    """CALL (parent) {
      MATCH (:Region {code: parent})<-[:PART_OF*0..]-(:Region)<-[:BASED_IN]-(n:Organisation)
      RETURN n
      UNION
      MATCH (:Grid {code: parent})<-[:BASED_IN]-(n:Organisation) RETURN n
    } WITH n WHERE $kind IS NULL OR n.kind = $kind""",
    "id",
    ORGANISATION,
    partial(record, Organisation),
    organisation_visible("n"),
)
# The volunteers of an organisation at $asOf (with $history, every one ever), by person.
ORGANISATION_VOLUNTEERS = Walk(
    "MATCH (:Organisation {id: parent})<-[m:VOLUNTEERS_IN]-(n:Person) "
    f"WHERE ($history OR {active('m')})",
    "id",
    PERSON,
    partial(record, Person),
    person_visible("n"),
)
PERSON_VOLUNTEERING = Walk(
    "MATCH (:Person {id: parent})-[n:VOLUNTEERS_IN]->(o:Organisation) "
    f"WHERE ($history OR {active('n')}) AND {organisation_visible('o')}",
    "since",
    VOLUNTEERING,
    partial(record, Volunteering),
)
