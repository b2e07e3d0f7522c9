from graph import people
from graph.access_log import PhoneRead
from graph.core.errors import BadUserInput, Forbidden
from graph.people import Person
from graph.places import Household
from graph.security.personal_data import id_number_problem
from graph.security.principal import AccessRole
from loaders.batching import load_optional
from resolvers.access import seen
from resolvers.context import Context

# A purpose says why the resident is called: a word such as "回访" is too vague to audit.
PURPOSE_LENGTH = range(4, 201)
# The same whether the number belongs to someone elsewhere or to no one.
NONE_OF_YOURS = "No one with this ID number lives in your grids."


async def person(ctx: Context, id: str) -> Person | None:
    return seen(ctx, id, await ctx.loaders.people.person.load(id))


async def household_members(ctx: Context, household: Household) -> list[Person]:
    return await ctx.loaders.people.household_members.load(household.id)


async def person_household(ctx: Context, resident: Person) -> Household | None:
    return await load_optional(ctx.loaders.places.household, resident.household_id)


async def contact_phone(ctx: Context, resident: Person, purpose: str) -> str | None:
    """The clear phone, for a grid worker of the resident's grid only (not ADMIN: no one
    else has a purpose that needs it), with a named reader and named grids; each read is
    logged (graph.access_log), and a phone that is not logged is not returned."""
    reader = ctx.principal
    if AccessRole.GRID_WORKER not in reader.roles:
        raise Forbidden("Only a grid worker may read a resident's phone in clear, to call her.")
    if reader.subject is None or reader.scope is None:
        raise Forbidden("A clear phone is read by a named grid worker of named grids only.")
    text = purpose.strip()
    if len(text) not in PURPOSE_LENGTH:
        raise BadUserInput(
            f"`purpose` says why you call, in {PURPOSE_LENGTH.start} to "
            f"{PURPOSE_LENGTH.stop - 1} characters, such as 通知停水检修; it is kept in the "
            "access log."
        )
    return await ctx.contact_phones.load(PhoneRead(resident.id, text))


async def person_by_id_number(ctx: Context, id_number: str) -> Person | None:
    """For a grid worker (people of her grids) and ADMIN. A reader with a scope learns
    nothing beyond it: no one of that number in her grids is FORBIDDEN, whether the
    number belongs to someone elsewhere or to no one."""
    reader = ctx.principal
    if not reader.has(AccessRole.GRID_WORKER):
        raise Forbidden("Only grid workers and administrators look people up by ID number.")
    if problem := id_number_problem(id_number):
        raise BadUserInput(f"`idNumber` is not a resident ID number: {problem}.")
    found = await people.by_id_number(ctx.db, ctx.keys, id_number, reader_scope=reader.scope)
    if found is None and reader.scope is not None:
        raise Forbidden(NONE_OF_YOURS)
    return found
