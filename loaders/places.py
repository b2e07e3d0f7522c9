from graph import places
from graph.core.db import Database
from loaders.batching import lookup_loader, paged_walk


class PlacesLoaders:
    def __init__(self, db: Database) -> None:
        self.region = lookup_loader(db, places.REGIONS)
        self.grid = lookup_loader(db, places.GRIDS)
        self.building = lookup_loader(db, places.BUILDINGS)
        self.household = lookup_loader(db, places.HOUSEHOLDS)
        self.region_children = paged_walk(db, places.REGION_CHILDREN)
        self.region_grids = paged_walk(db, places.REGION_GRIDS)
        self.grid_buildings = paged_walk(db, places.GRID_BUILDINGS)
        self.building_households = paged_walk(db, places.BUILDING_HOUSEHOLDS)
