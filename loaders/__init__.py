"""Per-request DataLoaders: one batched Cypher statement per relationship a field walks."""

from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

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

T = TypeVar("T")


def _on_first_use(make: Callable[[Database], T]) -> cached_property[T]:
    """A domain's loaders, made for the request the first time a resolver reaches them."""
    return cached_property(lambda loaders: make(loaders.db))


class Loaders:
    """Made anew for every request, so caches never outlive it. Each domain's loaders are
    made on first use: a read the planner compiles uses none, and making them all cost
    more than half of such a request's Python time."""

    places = _on_first_use(PlacesLoaders)
    people = _on_first_use(PeopleLoaders)
    party = _on_first_use(PartyLoaders)
    services = _on_first_use(ServicesLoaders)
    cases = _on_first_use(CasesLoaders)
    search = _on_first_use(SearchLoaders)
    visits = _on_first_use(VisitsLoaders)
    evaluations = _on_first_use(EvaluationsLoaders)
    projects = _on_first_use(ProjectsLoaders)
    meetings = _on_first_use(MeetingsLoaders)

    def __init__(self, db: Database) -> None:
        self.db = db
