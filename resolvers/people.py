from graph.people import Person
from graph.places import Household
from resolvers.access import seen
from resolvers.context import Context


async def person(ctx: Context, id: str) -> Person | None:
    return seen(ctx, id, await ctx.loaders.people.person.load(id))


async def household_members(ctx: Context, household: Household) -> list[Person]:
    return await ctx.loaders.people.household_members.load(household.id)


async def person_household(ctx: Context, resident: Person) -> Household | None:
    if resident.household_id is None:
        return None
    return await ctx.loaders.places.household.load(resident.household_id)
