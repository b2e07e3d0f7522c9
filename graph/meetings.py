"""Meetings where residents and cadres talk (红色屋场恳谈会, 幸福夜话, 七点半岗哨 …): when,
where (a grid or red house-yard, perhaps one building of it), who attended (people,
organisations, party organisations), and the matters raised and commitments made, each
linked to the case or project it became. A meeting is a record of what happened.

    (Meeting)-[:IN]->(Grid)     (Meeting)-[:AT]->(Building)
    (Meeting)-[:ATTENDED_BY]->(Person|Organisation|PartyOrganization)
    (Meeting)-[:RAISED]->(Matter)-[:BECAME]->(Case|Project)
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from graph.core.batch import Lookup, Walk
from graph.core.db import Database, Transaction
from graph.core.errors import BadUserInput, NotFound
from graph.core.model import MatterKind, MeetingKind
from graph.core.records import record
from graph.party import ORGANIZATIONS
from graph.people import PEOPLE
from graph.security import scope
from graph.security.scope import organisation_visible, organization_visible, person_visible
from graph.services import ORGANISATIONS
from graph.visits import IN_PERIOD


@dataclass(frozen=True)
class Meeting:
    id: str
    at: datetime
    kind: MeetingKind
    title: str | None
    grid_code: str
    building_code: str | None  # when held at one building of the grid
    person_ids: list[str]
    organisation_ids: list[str]
    party_organization_ids: list[str]


@dataclass(frozen=True)
class Matter:
    id: str
    seq: int
    kind: MatterKind
    text: str
    case_no: str | None  # the case it became
    project_id: str | None  # the project it became


def _ids(label: str) -> str:
    return f"COLLECT {{ MATCH (n)-[:ATTENDED_BY]->(x:{label}) RETURN x.id ORDER BY x.id }}"


MEETING = (
    ".id, .at, .kind, .title, grid_code: head([(n)-[:IN]->(g:Grid) | g.code]), "
    "building_code: head([(n)-[:AT]->(b:Building) | b.code]), "
    f"person_ids: {_ids('Person')}, organisation_ids: {_ids('Organisation')}, "
    f"party_organization_ids: {_ids('PartyOrganization')}"
)
MATTER = (
    ".id, .seq, .kind, .text, case_no: head([(n)-[:BECAME]->(c:Case) | c.caseNo]), "
    "project_id: head([(n)-[:BECAME]->(p:Project) | p.id])"
)
# A meeting is seen where its grid is seen (DESIGN §5).
VISIBLE = scope.placed_in_scope("n")

MEETINGS = Lookup("Meeting", "id", MEETING, partial(record, Meeting), VISIBLE)
MEETING_MATTERS = Walk(
    "MATCH (:Meeting {id: parent})-[:RAISED]->(n:Matter)", "seq", MATTER, partial(record, Matter)
)
GRID_MEETINGS = Walk(
    f"MATCH (:Grid {{code: parent}})<-[:IN]-(n:Meeting) WHERE {IN_PERIOD}",
    "id",
    MEETING,
    partial(record, Meeting),
)
# Who attended, as the read planner walks it: those the reader may see, by id.
MEETING_PEOPLE = Walk(
    "MATCH (:Meeting {id: parent})-[:ATTENDED_BY]->(n:Person)",
    "id",
    PEOPLE.projection,
    PEOPLE.build,
    PEOPLE.visible,
)
MEETING_ORGANISATIONS = Walk(
    "MATCH (:Meeting {id: parent})-[:ATTENDED_BY]->(n:Organisation)",
    "id",
    ORGANISATIONS.projection,
    ORGANISATIONS.build,
    ORGANISATIONS.visible,
)
MEETING_PARTY_ORGANIZATIONS = Walk(
    "MATCH (:Meeting {id: parent})-[:ATTENDED_BY]->(n:PartyOrganization)",
    "id",
    ORGANIZATIONS.projection,
    ORGANIZATIONS.build,
    ORGANIZATIONS.visible,
)
MEETINGS_WITHIN = Walk(
    f"""{scope.grids_within("parent")}
    MATCH (g)<-[:IN]-(n:Meeting) WHERE {IN_PERIOD}""",
    "id",
    MEETING,
    partial(record, Meeting),
)


@dataclass(frozen=True)
class NewMatter:
    kind: MatterKind
    text: str
    case_no: str | None
    project_id: str | None


@dataclass(frozen=True)
class NewMeeting:
    at: datetime
    kind: MeetingKind
    title: str | None
    grid_code: str | None
    building_code: str | None
    attendee_ids: list[str]  # people
    organisation_ids: list[str]
    party_organization_ids: list[str]
    matters: list[NewMatter]


def meeting_id(at: datetime) -> str:
    return f"M-{at:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


# Every reference of a meeting, as the writer sees it, in one read: the first one unseen.
_REFERENCES = f"""
    OPTIONAL MATCH (b:Building {{code: $building}})
    WITH b, coalesce($grid, head([(b)-[:IN]->(bg:Grid) | bg.code])) AS gridCode
    OPTIONAL MATCH (g:Grid {{code: gridCode}})
    RETURN gridCode, g IS NOT NULL AS grid, b IS NOT NULL OR $building IS NULL AS building,
           $building IS NULL OR $grid IS NULL OR EXISTS {{ (b)-[:IN]->(g) }} AS buildingOfGrid,
           g IS NULL OR {scope.grid_in_scope("g")} AS allowed,
           [id IN $people WHERE NOT EXISTS {{
             MATCH (x:Person {{id: id}}) WHERE {person_visible("x")} }}] AS people,
           [id IN $organisations WHERE NOT EXISTS {{
             MATCH (x:Organisation {{id: id}}) WHERE {organisation_visible("x")} }}]
             AS organisations,
           [id IN $partyOrganizations WHERE NOT EXISTS {{
             MATCH (x:PartyOrganization {{id: id}}) WHERE {organization_visible("x")} }}]
             AS partyOrganizations,
           [id IN $cases WHERE NOT EXISTS {{
             MATCH (x:Case {{caseNo: id}}) WHERE {scope.case_in_scope("x")} }}] AS cases,
           [id IN $projects WHERE NOT EXISTS {{
             MATCH (x:Project {{id: id}}) WHERE {scope.placed_in_scope("x")} }}] AS projects"""
_CREATE = f"""
    MATCH (g:Grid {{code: $gridCode}})
    CREATE (n:Meeting {{id: $id, at: $at, kind: $kind, title: $title}})-[:IN]->(g)
    WITH n
    CALL (n) {{ MATCH (b:Building {{code: $building}}) CREATE (n)-[:AT]->(b) }}
    CALL (n) {{ UNWIND $people AS id MATCH (x:Person {{id: id}}) CREATE (n)-[:ATTENDED_BY]->(x) }}
    CALL (n) {{
      UNWIND $organisations AS id MATCH (x:Organisation {{id: id}})
      CREATE (n)-[:ATTENDED_BY]->(x)
    }}
    CALL (n) {{
      UNWIND $partyOrganizations AS id MATCH (x:PartyOrganization {{id: id}})
      CREATE (n)-[:ATTENDED_BY]->(x)
    }}
    CALL (n) {{
      UNWIND $matters AS matter
      CREATE (n)-[:RAISED]->(m:Matter {{id: n.id + '-' + toString(matter.seq), seq: matter.seq,
                                       kind: matter.kind, text: matter.text}})
      WITH m, matter
      CALL (m, matter) {{ MATCH (c:Case {{caseNo: matter.case}}) CREATE (m)-[:BECAME]->(c) }}
      CALL (m, matter) {{ MATCH (p:Project {{id: matter.project}}) CREATE (m)-[:BECAME]->(p) }}
    }}
    RETURN n {{{MEETING}}} AS row"""


async def record_meeting(db: Database, new: NewMeeting) -> Meeting:
    """A meeting stored with its attendees and matters, in one transaction; FORBIDDEN for a
    place outside the writer's scope, NOT_FOUND (FORBIDDEN for a scoped writer) for anyone
    or anything it names that is not there, before anything is written."""
    if new.grid_code is None and new.building_code is None:
        raise BadUserInput("A meeting takes place somewhere: give gridCode or buildingCode.")
    params = {
        "grid": new.grid_code,
        "building": new.building_code,
        "people": new.attendee_ids,
        "organisations": new.organisation_ids,
        "partyOrganizations": new.party_organization_ids,
        "cases": [m.case_no for m in new.matters if m.case_no],
        "projects": [m.project_id for m in new.matters if m.project_id],
    }

    async def work(tx: Transaction) -> Meeting:
        (found,) = await tx.run(_REFERENCES, params)
        place = new.building_code or str(new.grid_code)
        if not found["allowed"]:
            raise scope.outside(tx, place)
        if not found["building"]:
            raise NotFound(f"No building has the code {new.building_code!r}.")
        if not found["grid"]:
            raise NotFound(f"No grid or house-yard has the code {new.grid_code!r}.")
        if not found["buildingOfGrid"]:
            raise BadUserInput(
                f"Building {new.building_code} is not in grid {new.grid_code}; give one of them."
            )
        for field, noun in (
            ("people", "person has the id"),
            ("organisations", "organisation has the id"),
            ("partyOrganizations", "party organisation has the id"),
            ("cases", "case has the number"),
            ("projects", "project has the id"),
        ):
            if found[field]:
                (first, *_) = found[field]
                raise scope.unseen(tx, first, NotFound(f"No {noun} {first!r}."))
        values = {
            **params,
            "gridCode": found["gridCode"],
            "id": meeting_id(new.at),
            "at": new.at,
            "kind": new.kind.value,
            "title": new.title,
            "matters": [
                {
                    "seq": seq,
                    "kind": matter.kind.value,
                    "text": matter.text,
                    "case": matter.case_no,
                    "project": matter.project_id,
                }
                for seq, matter in enumerate(new.matters, start=1)
            ],
        }
        (row,) = await tx.run(_CREATE, values)
        return record(Meeting, row["row"])

    return await db.write_transaction(work)
