"""Meetings: look-ups, a grid's and a scope's over a period, matters, attendees, the write."""

from datetime import date

from graph import meetings
from graph.cases import Case
from graph.core.clock import now
from graph.core.errors import BadUserInput
from graph.meetings import Matter, Meeting, NewMeeting
from graph.party import PartyOrganization
from graph.people import Person
from graph.places import Building, Grid
from graph.projects import Project
from graph.security import scope
from graph.services import Organisation
from graph.visits import period
from loaders.batching import load_optional
from resolvers.context import Context
from resolvers.paging import Page, walk_page

MAX_MATTERS = 100


def _period(first: date | None, last: date | None) -> dict[str, object]:
    if first and last and first > last:
        raise BadUserInput(f"`from` ({first}) is after `to` ({last}).")
    return period(first, last)


async def grid_meetings(
    ctx: Context, grid: Grid, first_day: date | None, *, last_day: date | None
) -> list[Meeting]:
    loader = ctx.loaders.meetings.grid_meetings.on(**_period(first_day, last_day))
    return await loader.load(grid.code)


async def meetings_within(
    ctx: Context,
    within: str,
    first_day: date | None,
    *,
    last_day: date | None,
    first: int | None,
    after: str | None,
) -> Page[Meeting]:
    params = _period(first_day, last_day)
    await scope.require(ctx.db, within)
    walk = ctx.loaders.meetings.meetings_within.on(**params)
    return await walk_page(walk, within, first, after=after, key_of=lambda m: m.id)


async def matters(ctx: Context, meeting: Meeting) -> list[Matter]:
    return await ctx.loaders.meetings.meeting_matters.load(meeting.id)


async def meeting_grid(ctx: Context, meeting: Meeting) -> Grid:
    found = await ctx.loaders.places.grid.load(meeting.grid_code)
    assert found is not None, "a meeting is seen only where its grid is"
    return found


async def meeting_building(ctx: Context, meeting: Meeting) -> Building | None:
    return await load_optional(ctx.loaders.places.building, meeting.building_code)


async def attendees(ctx: Context, meeting: Meeting) -> list[Person]:
    found = await ctx.loaders.people.person.load_many(meeting.person_ids)
    return [person for person in found if person is not None]


async def attending_organisations(ctx: Context, meeting: Meeting) -> list[Organisation]:
    found = await ctx.loaders.services.organisation.load_many(meeting.organisation_ids)
    return [org for org in found if org is not None]


async def attending_party_organizations(ctx: Context, meeting: Meeting) -> list[PartyOrganization]:
    found = await ctx.loaders.party.organization.load_many(meeting.party_organization_ids)
    return [org for org in found if org is not None]


async def matter_case(ctx: Context, matter: Matter) -> Case | None:
    return await load_optional(ctx.loaders.cases.case, matter.case_no)


async def matter_project(ctx: Context, matter: Matter) -> Project | None:
    return await load_optional(ctx.loaders.projects.project, matter.project_id)


async def record_meeting(ctx: Context, new: NewMeeting) -> Meeting:
    if new.at > now():
        raise BadUserInput("A meeting is recorded once it took place: `at` is in the future.")
    if len(new.matters) > MAX_MATTERS:
        raise BadUserInput(f"A meeting records at most {MAX_MATTERS} matters at once.")
    for matter in new.matters:
        if not matter.text.strip() or len(matter.text) > 500:
            raise BadUserInput("Each matter says what it is, in 1 to 500 characters.")
        if matter.case_no and matter.project_id:
            raise BadUserInput("A matter became a case or a project, not both.")
    return await meetings.record_meeting(ctx.db, new)
