from graph import meetings
from graph.core.batch import Walk
from graph.core.db import Database
from loaders.batching import Parameterised, list_loader, lookup_loader, paged_walk


class MeetingsLoaders:
    """Loaders over a period are asked `.on(from=..., until=...)`."""

    def __init__(self, db: Database) -> None:
        def paged(walk: Walk) -> Parameterised:
            return Parameterised(lambda params: paged_walk(db, walk, params))

        def listed(walk: Walk) -> Parameterised:
            return Parameterised(lambda params: list_loader(db, walk, params))

        self.meeting = lookup_loader(db, meetings.MEETINGS)
        self.meeting_matters = list_loader(db, meetings.MEETING_MATTERS)
        self.grid_meetings = listed(meetings.GRID_MEETINGS)
        self.meetings_within = paged(meetings.MEETINGS_WITHIN)
