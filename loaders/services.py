from graph import services
from graph.core.db import Database
from loaders.batching import list_loader, lookup_loader


class ServicesLoaders:
    def __init__(self, db: Database) -> None:
        self.center = lookup_loader(db, services.CENTERS)
        self.station = lookup_loader(db, services.STATIONS)
        self.region_centers = list_loader(db, services.REGION_CENTERS)
        self.grid_stations = list_loader(db, services.GRID_STATIONS)
        self.region_stations = list_loader(db, services.REGION_STATIONS)
