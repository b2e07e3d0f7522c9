from graph import people
from graph.db import Database
from loaders.batching import list_loader, lookup_loader


class PeopleLoaders:
    def __init__(self, db: Database) -> None:
        self.person = lookup_loader(db, people.PEOPLE)
        self.household_members = list_loader(db, people.HOUSEHOLD_MEMBERS)
