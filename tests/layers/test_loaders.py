"""A request's DataLoaders are made only for the domains its resolvers reach: a read the
planner compiles makes none (making all of them was over half of such a read's time)."""

from graph.core.db import Database
from loaders import Loaders
from loaders.places import PlacesLoaders


def test_a_domains_loaders_are_made_on_first_use_and_kept_for_the_request() -> None:
    db = Database(None, "neo4j", 30)  # type: ignore[arg-type]  # no statement is run
    loaders = Loaders(db)
    assert set(vars(loaders)) == {"db"}
    places = loaders.places
    assert isinstance(places, PlacesLoaders)
    assert loaders.places is places  # one set of caches per request
    assert set(vars(loaders)) == {"db", "places"}
    assert Loaders(db).places is not places  # and a new one for the next
