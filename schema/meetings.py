"""Meetings (红色屋场恳谈会, 幸福夜话, 七点半岗哨 …), their matters, and the input that
records one."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import meetings as graph_meetings
from graph.core.clock import now, optional_city_time
from graph.core.records import from_input
from resolvers import meetings as resolve
from resolvers.access import PROJECTS
from schema.access import type_roles
from schema.context import Info
from schema.enums import MatterKind, MeetingKind

if TYPE_CHECKING:
    from schema.cases import Case
    from schema.party import PartyOrganization
    from schema.people import Person
    from schema.places import Building, Grid
    from schema.projects import Project
    from schema.services import Organisation

PersonType = Annotated["Person", strawberry.lazy("schema.people")]
GridType = Annotated["Grid", strawberry.lazy("schema.places")]
BuildingType = Annotated["Building", strawberry.lazy("schema.places")]
CaseType = Annotated["Case", strawberry.lazy("schema.cases")]
ProjectType = Annotated["Project", strawberry.lazy("schema.projects")]
OrganisationType = Annotated["Organisation", strawberry.lazy("schema.services")]
OrganizationType = Annotated["PartyOrganization", strawberry.lazy("schema.party")]


@type_roles(PROJECTS)
@strawberry.type
class Matter:
    """A matter residents raised, or a commitment made on the spot, and what it became."""

    seq: int
    kind: MatterKind
    text: str

    @strawberry.field(description="The case it became, if any.")
    async def case(self, info: Info) -> CaseType | None:
        return await resolve.matter_case(info.context, self)

    @strawberry.field(description="The project it became, if any.")
    async def project(self, info: Info) -> ProjectType | None:
        return await resolve.matter_project(info.context, self)


@type_roles(PROJECTS)
@strawberry.type
class Meeting:
    id: strawberry.ID
    at: datetime
    kind: MeetingKind
    title: str | None

    @strawberry.field(description="The grid or red house-yard where it was held.")
    async def grid(self, info: Info) -> GridType:
        return await resolve.meeting_grid(info.context, self)

    @strawberry.field(description="The building, when it was held at one.")
    async def building(self, info: Info) -> BuildingType | None:
        return await resolve.meeting_building(info.context, self)

    @strawberry.field(description="People who attended, by id.")
    async def attendees(self, info: Info) -> list[PersonType]:
        return await resolve.attendees(info.context, self)

    @strawberry.field(description="Organisations that attended (teams, departments …), by id.")
    async def organisations(self, info: Info) -> list[OrganisationType]:
        return await resolve.attending_organisations(info.context, self)

    @strawberry.field(description="Party organisations that attended, by id.")
    async def party_organizations(self, info: Info) -> list[OrganizationType]:
        return await resolve.attending_party_organizations(info.context, self)

    @strawberry.field(description="Matters raised and commitments made, in the order recorded.")
    async def matters(self, info: Info) -> list[Matter]:
        return await resolve.matters(info.context, self)


@strawberry.input
class MatterInput:
    kind: MatterKind
    text: str
    case_no: str | None = strawberry.field(default=None, description="The case it became.")
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="The project it became."
    )


@strawberry.input
class RecordMeetingInput:
    kind: MeetingKind
    grid_code: str | None = strawberry.field(
        default=None, description="The grid or red house-yard; or give buildingCode."
    )
    building_code: str | None = strawberry.field(
        default=None, description="The building it was held at (its grid follows)."
    )
    title: str | None = None
    attendee_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    organisation_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    party_organization_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    matters: list[MatterInput] = strawberry.field(default_factory=list)
    at: datetime | None = strawberry.field(default=None, description="Now when absent.")


def new_meeting(given: RecordMeetingInput) -> graph_meetings.NewMeeting:
    return graph_meetings.NewMeeting(
        at=optional_city_time(given.at) or now(),
        kind=given.kind,
        title=given.title,
        grid_code=given.grid_code,
        building_code=given.building_code,
        attendee_ids=[str(key) for key in given.attendee_ids],
        organisation_ids=[str(key) for key in given.organisation_ids],
        party_organization_ids=[str(key) for key in given.party_organization_ids],
        matters=[new_matter(matter) for matter in given.matters],
    )


def new_matter(given: MatterInput) -> graph_meetings.NewMatter:
    return from_input(graph_meetings.NewMatter, given)
