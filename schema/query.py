"""The root query: look-ups, scoped lists and figures."""

from datetime import date, datetime
from typing import Annotated

import strawberry

from resolvers import (
    access_log,
    cases,
    meetings,
    party,
    people,
    places,
    projects,
    search,
    services,
    visits,
)
from resolvers.access import (
    ACCESS_LOG,
    CASE_FIGURES,
    CASES,
    EVERYONE,
    HOUSEHOLDS,
    PEOPLE,
    PERSON_IDS,
    PLANNING,
    PROJECTS,
)
from resolvers.stats import stats_within
from schema.access import roles
from schema.access_log import AccessLogEntry
from schema.cases import Case, CaseFilter, CaseStats, case_filter
from schema.context import Info
from schema.enums import (
    MembershipKind,
    OrganisationKind,
    ProjectKind,
    ProjectState,
    StationKind,
)
from schema.meetings import Meeting
from schema.paging import Connection
from schema.party import CoverageReport, PartyOrganization
from schema.people import Person
from schema.places import Building, Grid, Household, Region
from schema.projects import Project, ProjectStats
from schema.search import SearchHit, SearchKind
from schema.services import Organisation, ServiceStation
from schema.shape import nesting
from schema.stats import Stats
from schema.visits import Visit


@strawberry.type
class Query:
    @strawberry.field(
        description="The regions at the top of the divisions (the city), where a reader of "
        "the whole city starts; ordered by code.",
        metadata=roles(EVERYONE),
    )
    async def top_regions(self, info: Info) -> list[Region]:
        return await places.top_regions(info.context)

    @strawberry.field(metadata=roles(EVERYONE))
    async def region(self, info: Info, code: str) -> Region | None:
        return await places.region(info.context, code)

    @strawberry.field(metadata=roles(EVERYONE))
    async def grid(self, info: Info, code: str) -> Grid | None:
        return await places.grid(info.context, code)

    @strawberry.field(metadata=roles(EVERYONE))
    async def building(self, info: Info, code: str) -> Building | None:
        return await places.building(info.context, code)

    @strawberry.field(metadata=roles(HOUSEHOLDS))
    async def household(self, info: Info, id: strawberry.ID) -> Household | None:
        return await places.household(info.context, id)

    @strawberry.field(metadata=roles(PERSON_IDS))
    async def person(self, info: Info, id: strawberry.ID) -> Person | None:
        return await people.person(info.context, id)

    @strawberry.field(
        description="The person with this resident ID number, looked up by its keyed hash: "
        "for GRID_WORKER (people of her grids; anyone else is FORBIDDEN) and ADMIN.",
        metadata=roles(PEOPLE),
    )
    async def person_by_id_number(self, info: Info, id_number: str) -> Person | None:
        return await people.person_by_id_number(info.context, id_number)

    @strawberry.field(metadata=roles(EVERYONE))
    async def party_organization(self, info: Info, id: strawberry.ID) -> PartyOrganization | None:
        return await party.organization(info.context, id)

    @strawberry.field(metadata=roles(EVERYONE))
    async def organisation(self, info: Info, id: strawberry.ID) -> Organisation | None:
        return await services.organisation(info.context, id)

    @strawberry.field(
        description="Organisations based in a region or grid or anywhere below it, of one "
        "kind or all; ordered by id.",
        metadata=roles(EVERYONE),
    )
    async def organisations(
        self,
        info: Info,
        within: str,
        kind: OrganisationKind | None = None,
        *,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Organisation]:
        return await services.organisations(info.context, within, kind, first=first, after=after)

    @strawberry.field(
        description="Service stations in a region or grid or anywhere below it, with or "
        "without a grid of their own, of one kind or all; ordered by id.",
        metadata=roles(EVERYONE),
    )
    async def stations(
        self,
        info: Info,
        within: str,
        kind: StationKind | None = None,
        *,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ServiceStation]:
        return await services.stations(info.context, within, kind, first=first, after=after)

    @strawberry.field(
        description="Visits to households within a region or grid on the days from..to "
        "(Asia/Shanghai, either open); ordered by id (by time).",
        metadata=roles(HOUSEHOLDS),
    )
    async def visits(
        self,
        info: Info,
        within: str,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        *,
        to: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Visit]:
        return await visits.visits_within(
            info.context, within, from_, last_day=to, first=first, after=after
        )

    @strawberry.field(
        description="Households within a region or grid that no visit reached in the `days` "
        "days ending with asOf (today by default); ordered by id.",
        metadata=roles(HOUSEHOLDS),
    )
    async def unvisited_households(
        self,
        info: Info,
        within: str,
        days: int,
        *,
        as_of: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Household]:
        return await visits.unvisited_households(
            info.context, within, days, as_of=as_of, first=first, after=after
        )

    @strawberry.field(metadata=roles(CASES))
    async def case(self, info: Info, case_no: str) -> Case | None:
        return await cases.case(info.context, case_no)

    @strawberry.field(
        description="Persons with an active membership in a party organisation whose region "
        "lies within the scope; ordered by id.",
        metadata=roles(HOUSEHOLDS),
    )
    async def party_members(
        self,
        info: Info,
        within: str,
        as_of: date | None = None,
        *,
        first: int | None = None,
        after: str | None = None,
        kind: Annotated[
            MembershipKind | None,
            strawberry.argument(
                description="Only memberships of this kind: DUAL_REPORT lists the members who "
                "report to the communities within the scope (双报到)."
            ),
        ] = None,
    ) -> Connection[Person]:
        return await party.party_members(
            info.context, within, as_of, first=first, after=after, kind=kind
        )

    @strawberry.field(
        description="Buildings within the scope that are not covered at asOf (DESIGN §3); "
        "ordered by code.",
        metadata=roles(PLANNING),
    )
    async def uncovered_buildings(
        self,
        info: Info,
        within: str,
        as_of: date | None = None,
        *,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Building]:
        return await party.uncovered_buildings(
            info.context, within, as_of, first=first, after=after
        )

    @strawberry.field(
        description="Households within the scope that are not covered at asOf (DESIGN §3); "
        "ordered by id.",
        metadata=roles(PLANNING),
    )
    async def uncovered_households(
        self,
        info: Info,
        within: str,
        as_of: date | None = None,
        *,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Household]:
        return await party.uncovered_households(
            info.context, within, as_of, first=first, after=after
        )

    @strawberry.field(
        description="Coverage of a region or grid, with its parts (DESIGN §3).",
        metadata=roles(PLANNING),
    )
    async def coverage(self, info: Info, within: str, as_of: date | None = None) -> CoverageReport:
        depth = nesting(info.selected_fields, "children")
        return await party.coverage(info.context, within, as_of, depth=depth)

    @strawberry.field(description="Ordered by caseNo.", metadata=roles(CASES))
    async def cases(
        self,
        info: Info,
        filter: CaseFilter | None = None,
        first: int | None = None,
        *,
        after: str | None = None,
    ) -> Connection[Case]:
        return await cases.case_list(info.context, case_filter(filter), first, after=after)

    @strawberry.field(
        description="Cases reported within the scope on the days from..to (Asia/Shanghai), "
        "and the levels at which the closed ones were settled.",
        metadata=roles(CASE_FIGURES),
    )
    async def case_stats(
        self,
        info: Info,
        within: str,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        *,
        to: date | None = None,
    ) -> CaseStats:
        return await cases.case_stats(info.context, within, from_, last=to)

    @strawberry.field(metadata=roles(PROJECTS))
    async def project(self, info: Info, id: strawberry.ID) -> Project | None:
        return await projects.project(info.context, id)

    @strawberry.field(
        description="Projects of joint creation in a region or grid or anywhere below it, of "
        "one state and kind or all; ordered by id.",
        metadata=roles(PROJECTS),
    )
    async def projects(
        self,
        info: Info,
        within: str,
        state: ProjectState | None = None,
        *,
        kind: ProjectKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Project]:
        return await projects.projects_within(
            info.context, within, state, kind=kind, first=first, after=after
        )

    @strawberry.field(
        description="Projects proposed within the scope on the days from..to (Asia/Shanghai): "
        "per state, per kind, and residents' satisfaction.",
        metadata=roles(PROJECTS),
    )
    async def project_stats(
        self,
        info: Info,
        within: str,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        *,
        to: date | None = None,
    ) -> ProjectStats:
        return await projects.project_stats(info.context, within, from_, last=to)

    @strawberry.field(
        description="Meetings held within a region or grid on the days from..to "
        "(Asia/Shanghai, either open); ordered by id.",
        metadata=roles(PROJECTS),
    )
    async def meetings(
        self,
        info: Info,
        within: str,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        *,
        to: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Meeting]:
        return await meetings.meetings_within(
            info.context, within, from_, last_day=to, first=first, after=after
        )

    @strawberry.field(
        description="Clear reads of personal data in grids within the scope (and the reader's), "
        "at from..to; for AUDITOR and ADMIN; ordered by seq.",
        metadata=roles(ACCESS_LOG),
    )
    async def access_log(
        self,
        info: Info,
        within: str,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        *,
        to: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AccessLogEntry]:
        page = await access_log.access_log_page(
            info.context, within, from_, end=to, first=first, after=after
        )
        return page  # type: ignore[return-value]  # the entries are graph records

    @strawberry.field(
        description="People (by name), buildings (by name and address), grids, regions, party "
        "organisations, governance centres and stations whose names match `text`, within the "
        "reader's scope (and `within`), best first. `kinds` narrows them; without it, every "
        "kind the reader's roles may see (people only for those who may read `Person.id`). "
        "The text is words, never query syntax; one or two characters find names containing "
        "them.",
        metadata=roles(EVERYONE),
    )
    async def search(
        self,
        info: Info,
        text: str,
        within: str | None = None,
        *,
        kinds: list[SearchKind] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SearchHit]:
        return await search.search(
            info.context, text, within=within, kinds=kinds, first=first, after=after
        )  # type: ignore[return-value]  # the hits are graph records

    @strawberry.field(
        description="Counts within a region or grid, or in the whole graph.",
        metadata=roles(EVERYONE),
    )
    async def stats(
        self,
        info: Info,
        within: str | None = None,
        as_of: Annotated[
            date | None,
            strawberry.argument(description="For party members and central households; today."),
        ] = None,
    ) -> Stats:
        return await stats_within(info.context, within, as_of)
