from graph import projects
from graph.core.batch import Walk
from graph.core.db import Database
from loaders.batching import Parameterised, list_loader, lookup_loader, paged_walk


class ProjectsLoaders:
    """`projects_within` is asked `.on(state=..., kind=...)`."""

    def __init__(self, db: Database) -> None:
        def paged(walk: Walk) -> Parameterised:
            return Parameterised(lambda params: paged_walk(db, walk, params))

        self.project = lookup_loader(db, projects.PROJECTS)
        self.project_events = list_loader(db, projects.PROJECT_EVENTS)
        self.project_evaluations = list_loader(db, projects.PROJECT_EVALUATIONS)
        self.grid_projects = list_loader(db, projects.GRID_PROJECTS)
        self.case_projects = list_loader(db, projects.CASE_PROJECTS)
        self.projects_within = paged(projects.PROJECTS_WITHIN)
