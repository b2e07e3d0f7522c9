"""Visits to households (入户走访), and the input that records one."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph import visits as graph_visits
from graph.core.clock import now, optional_city_time
from graph.core.records import from_input
from resolvers import visits as resolve
from resolvers.access import HOUSEHOLDS
from schema.access import type_roles
from schema.context import Info
from schema.enums import VisitPurpose

if TYPE_CHECKING:
    from schema.party import PartyOrganization
    from schema.people import Person
    from schema.places import Household

PersonType = Annotated["Person", strawberry.lazy("schema.people")]
HouseholdType = Annotated["Household", strawberry.lazy("schema.places")]
OrganizationType = Annotated["PartyOrganization", strawberry.lazy("schema.party")]


@type_roles(HOUSEHOLDS)
@strawberry.type
class Visit:
    """Who visited which household when, for which branch, why, and what came of it."""

    id: strawberry.ID
    at: datetime
    purpose: VisitPurpose
    outcome: str | None

    @strawberry.field
    async def household(self, info: Info) -> HouseholdType:
        return await resolve.visit_household(info.context, self)

    @strawberry.field(description="The grid worker, party member or cadre who went.")
    async def visitor(self, info: Info) -> PersonType | None:
        return await resolve.visit_visitor(info.context, self)

    @strawberry.field(description="The party branch the visit was made for, if any.")
    async def branch(self, info: Info) -> OrganizationType | None:
        return await resolve.visit_branch(info.context, self)


@strawberry.input
class RecordVisitInput:
    household_id: strawberry.ID
    purpose: VisitPurpose
    visitor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who went; visitorId, branchId or both."
    )
    branch_id: strawberry.ID | None = strawberry.field(
        default=None, description="The party branch the visit was made for."
    )
    at: datetime | None = strawberry.field(default=None, description="Now when absent.")
    outcome: str | None = None


def new_visit(given: RecordVisitInput) -> graph_visits.NewVisit:
    return from_input(graph_visits.NewVisit, given, at=optional_city_time(given.at) or now())
