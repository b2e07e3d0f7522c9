from graph import evaluations
from graph.core.db import Database
from loaders.batching import list_loader


class EvaluationsLoaders:
    def __init__(self, db: Database) -> None:
        self.case_evaluations = list_loader(db, evaluations.CASE_EVALUATIONS)
