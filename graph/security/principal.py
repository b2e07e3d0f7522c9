"""Who is asking: the roles and scope a request carries (issue #6).

`graph/` needs only this much of authentication: every read takes the reader's
scope as the parameter `$scope` (see graph.security.scope), so that answers, counts and
errors never reach past it. Tokens are checked in `server/`, roles in `schema/`.
"""

from dataclasses import dataclass
from enum import Enum


class AccessRole(Enum):
    VIEWER = "VIEWER"  # structure, organisations, stations, centres, counts; people as names
    PLANNER = "PLANNER"  # plus coverage, uncovered lists, reports
    AUDITOR = "AUDITOR"  # plus case histories, assignment history, the access log; read only
    GRID_WORKER = "GRID_WORKER"  # people, households and cases of her grids; reports, advances
    CASE_HANDLER = "CASE_HANDLER"  # cases in scope; reports, advances
    ADMIN = "ADMIN"  # everything, including assignments and import


@dataclass(frozen=True)
class Principal:
    subject: str | None  # a person id (the token's `sub`)
    roles: frozenset[AccessRole]
    # Region or grid codes the reader may see (DESIGN §5 scopes); None: the whole city.
    scope: tuple[str, ...] | None

    def has(self, *roles: AccessRole) -> bool:
        return AccessRole.ADMIN in self.roles or any(role in self.roles for role in roles)


# Authentication switched off (loopback only): the developer at the keyboard.
UNRESTRICTED = Principal(subject=None, roles=frozenset({AccessRole.ADMIN}), scope=None)
