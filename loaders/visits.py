from graph import visits
from graph.core.batch import Walk
from graph.core.db import Database
from loaders.batching import Parameterised, list_loader, lookup_loader, paged_walk


class VisitsLoaders:
    """Loaders over a period are asked `.on(from=..., until=...)`."""

    def __init__(self, db: Database) -> None:
        def paged(walk: Walk) -> Parameterised:
            return Parameterised(lambda params: paged_walk(db, walk, params))

        self.visit = lookup_loader(db, visits.VISITS)
        self.household_visits = list_loader(db, visits.HOUSEHOLD_VISITS)
        self.person_visits = paged(visits.PERSON_VISITS)
        self.organization_visits = paged(visits.ORGANIZATION_VISITS)
        self.visits_within = paged(visits.VISITS_WITHIN)
        self.unvisited_within = paged(visits.UNVISITED_WITHIN)
