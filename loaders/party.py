from datetime import date

from strawberry.dataloader import DataLoader

from graph import party
from graph.core.batch import Walk
from graph.core.db import Database
from graph.party import Coverage
from loaders.batching import (
    Parameterised,
    count_loader,
    list_loader,
    lookup_loader,
    paged_walk,
)


def _coverage_loader(db: Database, as_of: date) -> DataLoader[str, Coverage | None]:
    async def load(scopes: list[str]) -> list[Coverage | None]:
        found = await party.coverage_of(db, scopes, as_of)
        return [found.get(scope) for scope in scopes]

    return DataLoader(load_fn=load)


class PartyLoaders:
    """Dated loaders are asked `.on(asOf=...)` (and `history=` where it applies)."""

    def __init__(self, db: Database) -> None:
        def listed(walk: Walk) -> Parameterised:
            return Parameterised(lambda params: list_loader(db, walk, params))

        def paged(walk: Walk) -> Parameterised:
            return Parameterised(lambda params: paged_walk(db, walk, params))

        def counted(walk: Walk) -> Parameterised:
            return Parameterised(lambda params: count_loader(db, walk, params))

        self.organization = lookup_loader(db, party.ORGANIZATIONS)
        self.organization_children = list_loader(db, party.ORGANIZATION_CHILDREN)
        self.region_organizations = list_loader(db, party.REGION_ORGANIZATIONS)
        self.person_memberships = listed(party.PERSON_MEMBERSHIPS)
        self.person_assignments = listed(party.PERSON_ASSIGNMENTS)
        self.organization_assignments = listed(party.ORGANIZATION_ASSIGNMENTS)
        self.organization_members = paged(party.ORGANIZATION_MEMBERS)
        self.grid_workers = listed(party.GRID_WORKERS)
        self.grid_branches = listed(party.GRID_BRANCHES)
        self.building_leaders = listed(party.BUILDING_LEADERS)
        self.building_groups = listed(party.BUILDING_GROUPS)
        self.building_group_counts = counted(party.BUILDING_GROUPS)
        self.household_covered_by = listed(party.HOUSEHOLD_COVERED_BY)
        self.household_covered_by_counts = counted(party.HOUSEHOLD_COVERED_BY)
        self.covered_households = paged(party.PERSON_COVERED_HOUSEHOLDS)
        self.party_members_within = paged(party.PARTY_MEMBERS_WITHIN)
        self.uncovered_buildings_within = paged(party.UNCOVERED_BUILDINGS_WITHIN)
        self.uncovered_households_within = paged(party.UNCOVERED_HOUSEHOLDS_WITHIN)
        self.coverage = Parameterised(lambda params: _coverage_loader(db, params["asOf"]))
