"""Meetings and the projects of joint creation that come out of them (共同缔造), planned
together: a place holds a few talks a year in its grids (夜话 and 岗哨 in the city, red
house-yard talks in the villages), residents raise matters and cadres commit, and about two
projects a year go their way from the proposal (proposed → planned → building → done, rated
by households of the grid once done)."""

from datetime import datetime, timedelta

from graph.core.model import (
    PROJECT_NEXT,
    MatterKind,
    MeetingKind,
    ProjectKind,
    ProjectOrigin,
    ProjectState,
    Rating,
)
from graph.synthetic.cases import actor_at
from graph.synthetic.figures import CUTOFF, REPORT_DAYS, YEAR_START
from graph.synthetic.site import Home, PlannedGrid, Site

MEETINGS_PER_PLACE = 3  # a year's talks in a community or village
PROJECTS_PER_PLACE = 2  # a year's projects, each out of a meeting or the residents' list
URBAN_TALKS = (
    MeetingKind.EVENING_TALK,
    MeetingKind.SEVEN_THIRTY_POST,
    MeetingKind.RESIDENTS_COUNCIL,
)
IDEAS = {
    ProjectKind.CHARGER_SHED: ("电动车充电棚", "电动车在楼道充电，有火灾隐患", "棚架和充电桩"),
    ProjectKind.RENOVATION: ("老旧小区改造", "楼道墙皮脱落、管网老化", "改造资金和建材"),
    ProjectKind.SHARED_SPACE: ("共享晒场", "缺少晾晒和休闲的场地", "水泥和砂石"),
    ProjectKind.ROAD_AND_LIGHTING: ("路灯和道路修缮", "路灯不亮，路面坑洼", "路灯和沥青"),
    ProjectKind.GREENING: ("绿化补植", "绿化带缺苗，黄土裸露", "苗木"),
    ProjectKind.PARKING: ("停车位划线", "停车乱，堵消防通道", "标线和车挡"),
}  # fmt: skip
RATINGS = (Rating.SATISFIED,) * 6 + (Rating.BASICALLY_SATISFIED,) * 3 + (Rating.NOT_SATISFIED,)


def write_projects(site: Site) -> None:
    rng, place, sink = site.rng, site.place, site.sink
    grids = [grid for grid in site.grids if any(True for _ in grid.homes())]
    if not grids:
        return
    meetings: list[tuple[str, PlannedGrid, datetime]] = []
    for number in range(1, MEETINGS_PER_PLACE + 1):
        grid = rng.choice(grids)
        # Early enough that a proposal the day after comes before the data's today.
        at = YEAR_START + timedelta(days=rng.randrange(REPORT_DAYS - 3), hours=19, minutes=30)
        kind = rng.choice(URBAN_TALKS) if site.urban else MeetingKind.RED_HOUSEYARD_TALK
        if kind is MeetingKind.SEVEN_THIRTY_POST:
            at = at.replace(hour=7)
        meeting = f"M-{place.code}-{number:02d}"
        sink.row("meetings.csv", meeting, at.isoformat(), kind.value, grid.code, None, None)
        worker = actor_at(site, 0, grid=grid, at=at)
        homes = list(grid.homes())
        residents = _residents(site, homes, 2)
        for person in sorted({worker, *residents} - {None}):
            sink.row("meeting_attendees.csv", meeting, person, None, None)
        if grid.branch:
            sink.row("meeting_attendees.csv", meeting, None, None, grid.branch)
        meetings.append((meeting, grid, at))
    for number in range(1, PROJECTS_PER_PLACE + 1):
        meeting, grid, at = meetings[number - 1]
        kind = rng.choice(list(IDEAS))
        title, need, materials = IDEAS[kind]
        project = f"J-{place.code}-{number:02d}"
        origin = ProjectOrigin.MEETING if number == 1 else ProjectOrigin.RESIDENTS_LIST
        became = project if origin is ProjectOrigin.MEETING else None
        sink.row("meeting_matters.csv", meeting, 1, MatterKind.RAISED.value, need, None, became)
        promise = "两周内拿出方案，交居民代表商议"
        sink.row(
            "meeting_matters.csv", meeting, 2, MatterKind.COMMITMENT.value, promise, None, None
        )
        supervisors = _residents(site, list(grid.homes()), 2)
        sink.row(
            "projects.csv",
            project,
            f"{grid.name}{title}",
            kind.value,
            origin.value,
            grid.code,
            None,
            meeting if origin is ProjectOrigin.MEETING else None,
            materials,
            rng.randrange(5, 80) * 1000,
            rng.randrange(10, 150),
            ";".join(supervisors),
        )
        _write_history(site, project, grid, at=at + timedelta(days=1))


def _residents(site: Site, homes: list[Home], count: int) -> list[str]:
    """One resident of each of up to `count` households of `homes`."""
    chosen = site.rng.sample(homes, min(count, len(homes)))
    return sorted({home.members[0].id for home in chosen if home.members})


def _write_history(site: Site, project: str, grid: PlannedGrid, *, at: datetime) -> None:
    """The project's steps, each 10 to 60 days after the one before, until the data's today;
    once done, a few households of the grid rate it, the first one making it EVALUATED."""
    rng, sink = site.rng, site.sink
    state: ProjectState | None = ProjectState.PROPOSED
    seq = 0
    while state is not None and state is not ProjectState.EVALUATED and at < CUTOFF:
        seq += 1
        actor = actor_at(site, 0, grid=grid, at=at)
        sink.row("project_events.csv", project, seq, at.isoformat(), state.value, actor, None)
        if state is ProjectState.DONE:
            break
        state = PROJECT_NEXT[state]
        at += timedelta(days=rng.randrange(10, 60))
    if state is not ProjectState.DONE:
        return
    homes = list(grid.homes())
    raters = rng.sample(homes, min(len(homes), rng.randrange(1, 4)))
    first = at + timedelta(days=rng.randrange(3, 10))
    if first >= CUTOFF:
        return
    sink.row("project_events.csv", project, seq + 1, first.isoformat(), "EVALUATED", None, None)
    for offset, home in enumerate(raters):
        rated = first + timedelta(days=offset)
        if rated < CUTOFF:
            rating = rng.choice(RATINGS).value
            sink.row("project_evaluations.csv", project, home.id, rated.isoformat(), rating, None)
