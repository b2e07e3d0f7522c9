import strawberry

from resolvers.access import EVERYONE
from schema.access import type_roles


@type_roles(EVERYONE)
@strawberry.type
class Stats:
    regions: int
    grids: int
    buildings: int
    households: int
    people: int
    party_organizations: int
    party_members: int
    central_households: int
    governance_centers: int
    red_stations: int
    canteens: int
    cases: int
    organisations: int = strawberry.field(
        description="Organisations of every kind (social and mass organisations, volunteer "
        "teams, mediation committees, stationed departments, firms)."
    )
    social_organisations: int
    volunteer_teams: int
    volunteers: int = strawberry.field(
        description="Distinct people volunteering in an organisation at asOf."
    )
    dual_reporters: int = strawberry.field(
        description="Distinct party members with an active DUAL_REPORT membership at asOf "
        "(双报到: reporting to their home community beside their workplace branch)."
    )
    projects: int = strawberry.field(
        description="Projects of joint creation (共同缔造) in the scope's grids, in any state."
    )
    meetings: int = strawberry.field(
        description="Meetings held in the scope's grids (恳谈会, 夜话, 岗哨 …)."
    )
