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
