"""Projects of joint creation: look-ups, lists within a scope, history, ratings, figures and
the writes (propose, advance, rate)."""

from datetime import date, datetime

from graph import projects
from graph.cases import Case
from graph.core.clock import now
from graph.core.errors import BadUserInput
from graph.core.model import ProjectKind, ProjectState
from graph.evaluations import Evaluation
from graph.meetings import Meeting
from graph.people import Person
from graph.places import Grid
from graph.projects import (
    NewProject,
    NewProjectEvaluation,
    Project,
    ProjectEvent,
    ProjectStats,
    ProjectStep,
)
from graph.security import scope
from loaders.batching import load_optional
from resolvers.access import seen
from resolvers.context import Context
from resolvers.paging import Page, walk_page

MAX_TEXT = 500


async def project(ctx: Context, key: str) -> Project | None:
    return seen(ctx, key, await ctx.loaders.projects.project.load(key))


async def projects_within(
    ctx: Context,
    within: str,
    state: ProjectState | None,
    *,
    kind: ProjectKind | None,
    first: int | None,
    after: str | None,
) -> Page[Project]:
    await scope.require(ctx.db, within)
    walk = ctx.loaders.projects.projects_within.on(
        state=state.value if state else None, kind=kind.value if kind else None
    )
    return await walk_page(walk, within, first, after=after, key_of=lambda p: p.id)


async def project_stats(
    ctx: Context, within: str, first: date | None, *, last: date | None
) -> ProjectStats:
    if first is not None and last is not None and first > last:
        raise BadUserInput(f"`from` ({first}) is after `to` ({last}).")
    return await projects.stats(ctx.db, within, first=first, last=last)


async def grid_projects(ctx: Context, grid: Grid) -> list[Project]:
    return await ctx.loaders.projects.grid_projects.load(grid.code)


async def case_project(ctx: Context, case: Case) -> Project | None:
    found = await ctx.loaders.projects.case_projects.load(case.case_no)
    return found[0] if found else None


async def project_events(ctx: Context, parent: Project) -> list[ProjectEvent]:
    return await ctx.loaders.projects.project_events.load(parent.id)


async def project_evaluations(ctx: Context, parent: Project) -> list[Evaluation]:
    return await ctx.loaders.projects.project_evaluations.load(parent.id)


async def project_grid(ctx: Context, parent: Project) -> Grid:
    found = await ctx.loaders.places.grid.load(parent.grid_code)
    assert found is not None, "a project is seen only where its grid is"
    return found


async def project_case(ctx: Context, parent: Project) -> Case | None:
    return await load_optional(ctx.loaders.cases.case, parent.case_no)


async def project_meeting(ctx: Context, parent: Project) -> Meeting | None:
    return await load_optional(ctx.loaders.meetings.meeting, parent.meeting_id)


async def supervisors(ctx: Context, parent: Project) -> list[Person]:
    found = await ctx.loaders.people.person.load_many(parent.supervisor_ids)
    return [person for person in found if person is not None]


async def event_actor(ctx: Context, event: ProjectEvent) -> Person | None:
    return await load_optional(ctx.loaders.people.person, event.actor_id)


def _check_text(value: str | None, name: str) -> None:
    if value is not None and len(value) > MAX_TEXT:
        raise BadUserInput(f"`{name}` holds at most {MAX_TEXT} characters.")


def _check_figures(money_yuan: int | None, labour_days: int | None) -> None:
    for name, value in (("moneyYuan", money_yuan), ("labourDays", labour_days)):
        if value is not None and value < 0:
            raise BadUserInput(f"`{name}` may not be negative; it was {value}.")


def _not_future(at: datetime, what: str) -> None:
    if at > now():
        raise BadUserInput(f"{what} is recorded once it happened: `at` is in the future.")


async def propose_project(ctx: Context, new: NewProject) -> Project:
    if not new.title.strip():
        raise BadUserInput("A project needs a title that says what it builds or improves.")
    for value, name in ((new.title, "title"), (new.materials, "materials"), (new.note, "note")):
        _check_text(value, name)
    _check_figures(new.money_yuan, new.labour_days)
    _not_future(new.at, "A proposal")
    return await projects.propose(ctx.db, new)


async def advance_project(ctx: Context, step: ProjectStep) -> Project:
    for value, name in ((step.materials, "materials"), (step.note, "note")):
        _check_text(value, name)
    _check_figures(step.money_yuan, step.labour_days)
    _not_future(step.at, "A step")
    return await projects.advance(ctx.db, step)


async def evaluate_project(ctx: Context, new: NewProjectEvaluation) -> Evaluation:
    _check_text(new.comment, "comment")
    _not_future(new.at, "A rating")
    return await projects.evaluate(ctx.db, new)
