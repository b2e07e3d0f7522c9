"""Per-request DataLoaders: one batched Cypher statement per relationship a field walks."""

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
    """Made anew for every request, so caches never outlive it."""

    def __init__(self, db: Database) -> None:
        self.places = PlacesLoaders(db)
        self.people = PeopleLoaders(db)
        self.party = PartyLoaders(db)
        self.services = ServicesLoaders(db)
        self.cases = CasesLoaders(db)
        self.search = SearchLoaders(db)
        self.visits = VisitsLoaders(db)
        self.evaluations = EvaluationsLoaders(db)
        self.projects = ProjectsLoaders(db)
        self.meetings = MeetingsLoaders(db)
