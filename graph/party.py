"""Party organisations: records and the walks between them."""

from dataclasses import dataclass
from datetime import date

from graph.batch import Lookup, Walk
from graph.db import Row
from graph.model import HolderKind, MembershipKind, PartyOrgLevel, Role, TargetKind
from graph.places import HOUSEHOLD, Household


@dataclass(frozen=True)
class PartyOrganization:
    id: str
    name: str
    level: PartyOrgLevel
    parent_id: str | None
    region_code: str

    @classmethod
    def from_row(cls, row: Row) -> "PartyOrganization":
        return cls(
            row["id"], row["name"], PartyOrgLevel(row["level"]), row["parentId"], row["regionCode"]
        )


def active(name: str) -> str:
    """Cypher: the membership or assignment `name` is active at $asOf (DESIGN §3)."""
    return (
        f"({name}.since IS NULL OR {name}.since <= $asOf) "
        f"AND ({name}.until IS NULL OR $asOf < {name}.until)"
    )


ORGANIZATION = (
    ".id, .name, .level, "
    "parentId: head([(n)-[:UNDER]->(p:PartyOrganization) | p.id]), "
    "regionCode: head([(n)-[:BELONGS_TO]->(r:Region) | r.code])"
)

ORGANIZATIONS = Lookup("PartyOrganization", "id", ORGANIZATION, PartyOrganization.from_row)

ORGANIZATION_CHILDREN = Walk(
    "MATCH (:PartyOrganization {id: parent})<-[:UNDER]-(n:PartyOrganization)",
    "id",
    ORGANIZATION,
    PartyOrganization.from_row,
)


@dataclass(frozen=True)
class Membership:
    person_id: str
    organization_id: str
    kind: MembershipKind
    since: date | None
    until: date | None


@dataclass(frozen=True)
class Assignment:
    id: str
    role: Role
    holder_kind: HolderKind
    holder_id: str
    target_kind: TargetKind
    target_id: str
    since: date | None
    until: date | None


# DESIGN §3: the targets of a person's active CENTRAL_HOUSEHOLD assignments, and
# every household in the house-yards the person leads.
PERSON_COVERED_HOUSEHOLDS = Walk(
    f"""MATCH (holder:Person {{id: parent}})
    CALL (holder) {{
      MATCH (holder)<-[:HELD_BY]-(a:Assignment {{role: 'CENTRAL_HOUSEHOLD'}})
            -[:TARGETS]->(n:Household)
      WHERE {active("a")}
      RETURN n
      UNION
      MATCH (holder)<-[:HELD_BY]-(a:Assignment {{role: 'HOUSEYARD_LEADER'}})
            -[:TARGETS]->(:Grid {{kind: 'HOUSEYARD'}})<-[:IN]-(:Building)<-[:IN]-(n:Household)
      WHERE {active("a")}
      RETURN n
    }}""",
    "id",
    HOUSEHOLD,
    Household.from_row,
)
