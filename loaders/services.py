from graph import services
from graph.core.batch import Walk
from graph.core.db import Database
from loaders.batching import Parameterised, list_loader, lookup_loader, paged_walk


class ServicesLoaders:
    def __init__(self, db: Database) -> None:
        def listed(walk: Walk) -> Parameterised:
            return Parameterised(lambda params: list_loader(db, walk, params))

        def paged(walk: Walk) -> Parameterised:
            return Parameterised(lambda params: paged_walk(db, walk, params))

        self.center = lookup_loader(db, services.CENTERS)
        self.station = lookup_loader(db, services.STATIONS)
        self.region_centers = list_loader(db, services.REGION_CENTERS)
        self.grid_stations = list_loader(db, services.GRID_STATIONS)
        self.region_stations = list_loader(db, services.REGION_STATIONS)
        self.stations_within = paged(services.STATIONS_WITHIN)  # .on(kind=)
        self.organisation = lookup_loader(db, services.ORGANISATIONS)
        self.region_organisations = list_loader(db, services.REGION_ORGANISATIONS)
        self.grid_organisations = list_loader(db, services.GRID_ORGANISATIONS)
        self.center_organisations = list_loader(db, services.CENTER_ORGANISATIONS)
        self.organisations_within = paged(services.ORGANISATIONS_WITHIN)  # .on(kind=)
        self.organisation_volunteers = paged(services.ORGANISATION_VOLUNTEERS)
        self.person_volunteering = listed(services.PERSON_VOLUNTEERING)
