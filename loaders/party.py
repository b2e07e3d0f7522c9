from graph import party
from graph.core.batch import Walk
from graph.core.db import Database
from loaders.batching import (
    Parameterised,
    count_loader,
    list_loader,
    lookup_loader,
    paged_walk,
)


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
        self.party_members_of_kind = paged(party.PARTY_MEMBERS_OF_KIND)
        self.grid_dual_report_units = listed(party.GRID_DUAL_REPORT_UNITS)
        self.home_services = listed(party.HOME_SERVICES)  # .on(from=, until=)
