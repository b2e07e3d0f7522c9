"""Per-request DataLoaders: one batched Cypher statement per relationship a field walks."""

from functools import cached_property

from graph.core.db import Database
from loaders.cases import CasesLoaders
from loaders.evaluations import EvaluationsLoaders
from loaders.meetings import MeetingsLoaders
from loaders.party import PartyLoaders
from loaders.people import PeopleLoaders
from loaders.places import PlacesLoaders
from loaders.projects import ProjectsLoaders
from loaders.search import SearchLoaders
from loaders.services import ServicesLoaders
from loaders.visits import VisitsLoaders


class Loaders:
    """Made anew for every request, so caches never outlive it. Each domain's loaders are
    made on first use: a read the planner compiles uses none, and making them all cost
    more than half of such a request's Python time."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @cached_property
    def places(self) -> PlacesLoaders:
        return PlacesLoaders(self.db)

    @cached_property
    def people(self) -> PeopleLoaders:
        return PeopleLoaders(self.db)

    @cached_property
    def party(self) -> PartyLoaders:
        return PartyLoaders(self.db)

    @cached_property
    def services(self) -> ServicesLoaders:
        return ServicesLoaders(self.db)

    @cached_property
    def cases(self) -> CasesLoaders:
        return CasesLoaders(self.db)

    @cached_property
    def search(self) -> SearchLoaders:
        return SearchLoaders(self.db)

    @cached_property
    def visits(self) -> VisitsLoaders:
        return VisitsLoaders(self.db)

    @cached_property
    def evaluations(self) -> EvaluationsLoaders:
        return EvaluationsLoaders(self.db)

    @cached_property
    def projects(self) -> ProjectsLoaders:
        return ProjectsLoaders(self.db)

    @cached_property
    def meetings(self) -> MeetingsLoaders:
        return MeetingsLoaders(self.db)
