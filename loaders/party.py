from graph import party
from graph.db import Database
from loaders.batching import ByDate, list_loader, lookup_loader, paged_walk


class PartyLoaders:
    def __init__(self, db: Database) -> None:
        self.organization = lookup_loader(db, party.ORGANIZATIONS)
        self.organization_children = list_loader(db, party.ORGANIZATION_CHILDREN)
        self.covered_households = ByDate(
            lambda params: paged_walk(db, party.PERSON_COVERED_HOUSEHOLDS, params)
        )
