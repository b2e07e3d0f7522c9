"""Who may ask for what (issue #6): the sets of roles that the fields of the schema name
as their rule (schema/access.py reads them, for the whole request, before anything runs),
and the answer for a look-up the reader's scope does not reach.

ADMIN may select everything. Every role may select the structure: regions, grids,
buildings, party organisations, centres, stations, counts, and people as names.
What lies outside the reader's scope is kept out by the Cypher itself (graph/scope.py).
"""

from typing import TypeVar

from graph.security.principal import AccessRole
from graph.security.scope import outside
from resolvers.context import Context

T = TypeVar("T")

VIEWER, PLANNER, AUDITOR = AccessRole.VIEWER, AccessRole.PLANNER, AccessRole.AUDITOR
GRID_WORKER, CASE_HANDLER = AccessRole.GRID_WORKER, AccessRole.CASE_HANDLER

EVERYONE = frozenset(AccessRole)
ADMIN_ONLY: frozenset[AccessRole] = frozenset()  # ADMIN is always allowed
PLANNING = frozenset({PLANNER, AUDITOR})  # coverage, uncovered lists, reports
HOUSEHOLDS = frozenset({PLANNER, AUDITOR, GRID_WORKER})  # households as places, and coverage
PEOPLE = frozenset({GRID_WORKER})  # a person beyond the name, masked (DESIGN §6)
PERSON_IDS = frozenset({AUDITOR, GRID_WORKER, CASE_HANDLER})  # who is who, to act or trace
HISTORY = frozenset({AUDITOR, GRID_WORKER})  # assignments, with their history
CASES = frozenset({AUDITOR, GRID_WORKER, CASE_HANDLER})
CASE_FIGURES = frozenset({PLANNER, AUDITOR, GRID_WORKER, CASE_HANDLER})
CASE_WORK = frozenset({GRID_WORKER, CASE_HANDLER})  # report and advance
ACCESS_LOG = frozenset({AUDITOR})  # who read whose personal data in clear
VISIT_WORK = frozenset({GRID_WORKER})  # record a visit to a household
# Residents' ratings, one by one: the auditors and the community's own workers, not VIEWER
# (the figures are in CaseStats, for CASE_FIGURES).
RATINGS = frozenset({AUDITOR, GRID_WORKER, CASE_HANDLER})
# Projects of joint creation and meetings, with their figures: the community's own roles
# and those who plan and audit, not VIEWER (meetings name residents and what they raised).
PROJECTS = frozenset({PLANNER, AUDITOR, GRID_WORKER, CASE_HANDLER})
# Propose and advance a project, record a meeting, rate a project: grid workers and the
# community's staff, within their scope.
PROJECT_WORK = frozenset({GRID_WORKER, CASE_HANDLER})


def seen(ctx: Context, key: str, found: T | None) -> T | None:
    """A root look-up's answer: null when nothing has the key; for a scoped reader, who
    cannot tell that from something outside her scope, FORBIDDEN."""
    if found is None and ctx.db.scope is not None:
        raise outside(ctx.db, key)
    return found


def named(allowed: frozenset[AccessRole]) -> str:
    """The roles of a set and ADMIN, for a message: "PLANNER, AUDITOR or ADMIN"."""
    names = [role.value for role in AccessRole if role in allowed or role is AccessRole.ADMIN]
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
