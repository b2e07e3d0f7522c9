from graph import cases
from graph.core.db import Database
from loaders.batching import list_loader, lookup_loader


class CasesLoaders:
    def __init__(self, db: Database) -> None:
        self.case = lookup_loader(db, cases.CASES)
        self.case_events = list_loader(db, cases.CASE_EVENTS)
