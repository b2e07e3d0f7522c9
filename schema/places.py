"""Regions, grids, buildings and households."""

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers import meetings as resolve_meetings
from resolvers import party as resolve_party
from resolvers import places as resolve
from resolvers import projects as resolve_projects
from resolvers import services as resolve_services
from resolvers import visits as resolve_visits
from resolvers.access import EVERYONE, HISTORY, HOUSEHOLDS, PEOPLE, PROJECTS
from resolvers.people import household_members
from schema.access import roles, type_roles
from schema.context import Info
from schema.enums import GridKind, HouseholdKind, RegionLevel
from schema.paging import Connection

if TYPE_CHECKING:
    from schema.meetings import Meeting
    from schema.party import Assignment, PartyOrganization
    from schema.people import Person
    from schema.projects import Project
    from schema.services import GovernanceCenter, Organisation, ServiceStation
    from schema.visits import Visit

PersonType = Annotated["Person", strawberry.lazy("schema.people")]
OrganizationType = Annotated["PartyOrganization", strawberry.lazy("schema.party")]
AssignmentType = Annotated["Assignment", strawberry.lazy("schema.party")]
CenterType = Annotated["GovernanceCenter", strawberry.lazy("schema.services")]
StationType = Annotated["ServiceStation", strawberry.lazy("schema.services")]
OrganisationType = Annotated["Organisation", strawberry.lazy("schema.services")]
VisitType = Annotated["Visit", strawberry.lazy("schema.visits")]
ProjectType = Annotated["Project", strawberry.lazy("schema.projects")]
MeetingType = Annotated["Meeting", strawberry.lazy("schema.meetings")]


@type_roles(EVERYONE)
@strawberry.type
class Region:
    code: str
    name: str
    level: RegionLevel

    @strawberry.field
    async def parent(self, info: Info) -> "Region | None":
        return await resolve.region_parent(info.context, self)

    @strawberry.field(description="Ordered by code.")
    async def children(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection["Region"]:
        return await resolve.region_children(info.context, self, first, after=after)

    @strawberry.field(description="All grids below, ordered by code.")
    async def grids(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection["Grid"]:
        return await resolve.region_grids(info.context, self, first, after=after)

    @strawberry.field
    async def centers(self, info: Info) -> list[CenterType]:
        return await resolve_services.region_centers(info.context, self)

    @strawberry.field(description="Service stations in the region itself (not below), by id.")
    async def stations(self, info: Info) -> list[StationType]:
        return await resolve_services.region_stations(info.context, self)

    @strawberry.field(
        description="Organisations based in the region itself (not below; with those placed "
        "at its grids), by id; `organisations(within:)` lists all below."
    )
    async def organisations(self, info: Info) -> list[OrganisationType]:
        return await resolve_services.region_organisations(info.context, self)

    @strawberry.field(description="Party organisations that belong to the region, by id.")
    async def party_organizations(self, info: Info) -> list[OrganizationType]:
        return await resolve_party.region_organizations(info.context, self)


@type_roles(EVERYONE)
@strawberry.type
class Grid:
    code: str
    name: str
    kind: GridKind

    @strawberry.field
    async def region(self, info: Info) -> Region:
        return await resolve.grid_region(info.context, self)

    @strawberry.field(description="Ordered by code.")
    async def buildings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection["Building"]:
        return await resolve.grid_buildings(info.context, self, first, after=after)

    @strawberry.field(description="Active GRID_WORKERs.")
    async def workers(self, info: Info, as_of: date | None = None) -> list[PersonType]:
        return await resolve_party.grid_workers(info.context, self, as_of)

    @strawberry.field(description="Active GRID_BRANCH holders.")
    async def branches(self, info: Info, as_of: date | None = None) -> list[OrganizationType]:
        return await resolve_party.grid_branches(info.context, self, as_of)

    @strawberry.field
    async def stations(self, info: Info) -> list[StationType]:
        return await resolve_services.grid_stations(info.context, self)

    @strawberry.field(
        description="The GRID_BRANCH assignments of workplace branches (dual-reporting units) "
        "that take charge of the grid at asOf, with since; with history, every one ever.",
        metadata=roles(HISTORY),
    )
    async def dual_report_units(
        self, info: Info, as_of: date | None = None, history: bool = False
    ) -> list[AssignmentType]:
        return await resolve_party.grid_dual_report_units(
            info.context, self, as_of, history=history
        )

    @strawberry.field(description="Organisations (volunteer teams …) placed at the grid, by id.")
    async def organisations(self, info: Info) -> list[OrganisationType]:
        return await resolve_services.grid_organisations(info.context, self)

    @strawberry.field(
        description="Projects of joint creation in the grid or house-yard, by id.",
        metadata=roles(PROJECTS),
    )
    async def projects(self, info: Info) -> list[ProjectType]:
        return await resolve_projects.grid_projects(info.context, self)

    @strawberry.field(
        description="Meetings held in the grid or house-yard on the days from..to "
        "(Asia/Shanghai, either open), by id.",
        metadata=roles(PROJECTS),
    )
    async def meetings(
        self,
        info: Info,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
    ) -> list[MeetingType]:
        return await resolve_meetings.grid_meetings(info.context, self, from_, last_day=to)


@type_roles(EVERYONE)
@strawberry.type
class Building:
    code: str
    name: str | None
    address: str | None

    @strawberry.field
    async def grid(self, info: Info) -> Grid:
        return await resolve.building_grid(info.context, self)

    @strawberry.field(description="Ordered by id.", metadata=roles(HOUSEHOLDS))
    async def households(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection["Household"]:
        return await resolve.building_households(info.context, self, first, after=after)

    @strawberry.field(description="Active BUILDING_GROUP holders.")
    async def party_groups(self, info: Info, as_of: date | None = None) -> list[OrganizationType]:
        return await resolve_party.building_groups(info.context, self, as_of)

    @strawberry.field(description="Active BUILDING_LEADERs.")
    async def leaders(self, info: Info, as_of: date | None = None) -> list[PersonType]:
        return await resolve_party.building_leaders(info.context, self, as_of)

    @strawberry.field(
        description="Covered by an active BUILDING_GROUP (DESIGN §3).", metadata=roles(HOUSEHOLDS)
    )
    async def covered(self, info: Info, as_of: date | None = None) -> bool:
        return await resolve_party.building_covered(info.context, self, as_of)


@type_roles(HOUSEHOLDS)
@strawberry.type
class Household:
    id: strawberry.ID
    door: str | None
    kind: HouseholdKind

    @strawberry.field
    async def building(self, info: Info) -> Building:
        return await resolve.household_building(info.context, self)

    @strawberry.field(description="Ordered by id.", metadata=roles(PEOPLE))
    async def members(self, info: Info) -> list[PersonType]:
        return await household_members(info.context, self)

    @strawberry.field(
        description="Who covers it (DESIGN §3): its central households and its house-yard's "
        "leader; ordered by id."
    )
    async def covered_by(self, info: Info, as_of: date | None = None) -> list[PersonType]:
        return await resolve_party.household_covered_by(info.context, self, as_of)

    @strawberry.field(description="DESIGN §3.")
    async def covered(self, info: Info, as_of: date | None = None) -> bool:
        return await resolve_party.household_covered(info.context, self, as_of)

    @strawberry.field(description="Every visit to the household, ordered by id (by time).")
    async def visits(self, info: Info) -> list[VisitType]:
        return await resolve_visits.household_visits(info.context, self)
