"""The vocabulary of the governance graph: enumerations shared by every layer.

Plain Python enums, so that `graph/` knows no GraphQL; `schema/` exposes them as
GraphQL enums under the same names. Values equal names, which is also how they
are stored in Neo4j and written in CSV files.
"""

from enum import Enum


class RegionLevel(Enum):
    CITY = "CITY"
    COUNTY = "COUNTY"
    TOWNSHIP = "TOWNSHIP"
    COMMUNITY = "COMMUNITY"
    VILLAGE = "VILLAGE"


# Higher number = higher level; COMMUNITY and VILLAGE are peers.
REGION_RANK = {
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 3,
    RegionLevel.TOWNSHIP: 2,
    RegionLevel.COMMUNITY: 1,
    RegionLevel.VILLAGE: 1,
}


class GridKind(Enum):
    COMPOUND = "COMPOUND"
    HOUSEYARD = "HOUSEYARD"
    BASIC = "BASIC"


class HouseholdKind(Enum):
    FAMILY = "FAMILY"
    COLLECTIVE = "COLLECTIVE"


class PartyOrgLevel(Enum):
    COMMUNITY_COMMITTEE = "COMMUNITY_COMMITTEE"
    GENERAL_BRANCH = "GENERAL_BRANCH"
    COMPOUND_BRANCH = "COMPOUND_BRANCH"
    BUILDING_GROUP = "BUILDING_GROUP"
    VILLAGE_BRANCH = "VILLAGE_BRANCH"
    VILLAGER_GROUP_GROUP = "VILLAGER_GROUP_GROUP"
    WORKPLACE_BRANCH = "WORKPLACE_BRANCH"


class MembershipKind(Enum):
    PRIMARY = "PRIMARY"
    DUAL_REPORT = "DUAL_REPORT"


class Role(Enum):
    GRID_BRANCH = "GRID_BRANCH"
    BUILDING_GROUP = "BUILDING_GROUP"
    CENTRAL_HOUSEHOLD = "CENTRAL_HOUSEHOLD"
    BUILDING_LEADER = "BUILDING_LEADER"
    GRID_WORKER = "GRID_WORKER"
    HOUSEYARD_LEADER = "HOUSEYARD_LEADER"


class HolderKind(Enum):
    PERSON = "Person"
    ORGANIZATION = "PartyOrganization"


class TargetKind(Enum):
    GRID = "Grid"
    BUILDING = "Building"
    HOUSEHOLD = "Household"


# DESIGN §3: which holder and which target each role takes.
ROLE_RULES: dict[Role, tuple[HolderKind, TargetKind]] = {
    Role.GRID_BRANCH: (HolderKind.ORGANIZATION, TargetKind.GRID),
    Role.BUILDING_GROUP: (HolderKind.ORGANIZATION, TargetKind.BUILDING),
    Role.CENTRAL_HOUSEHOLD: (HolderKind.PERSON, TargetKind.HOUSEHOLD),
    Role.BUILDING_LEADER: (HolderKind.PERSON, TargetKind.BUILDING),
    Role.GRID_WORKER: (HolderKind.PERSON, TargetKind.GRID),
    Role.HOUSEYARD_LEADER: (HolderKind.PERSON, TargetKind.GRID),
}


def role_rule_text(role: Role) -> str:
    holder, target = ROLE_RULES[role]
    holder_text = "a person" if holder is HolderKind.PERSON else "a party organisation"
    target_text = {
        TargetKind.GRID: "a grid code",
        TargetKind.BUILDING: "a building code",
        TargetKind.HOUSEHOLD: "a household id",
    }[target]
    if role is Role.HOUSEYARD_LEADER:
        target_text = "the code of a HOUSEYARD grid"
    return f"{role.value} is held by {holder_text} and targets {target_text}"


class GovernanceLevel(Enum):
    GRID = "GRID"
    COMMUNITY = "COMMUNITY"
    TOWNSHIP = "TOWNSHIP"
    COUNTY = "COUNTY"
    CITY = "CITY"


class StationKind(Enum):
    RED_STATION = "RED_STATION"
    CANTEEN = "CANTEEN"
    OTHER = "OTHER"


class OrganisationKind(Enum):
    SOCIAL_ORG = "SOCIAL_ORG"
    VOLUNTEER_TEAM = "VOLUNTEER_TEAM"
    MEDIATION_COMMITTEE = "MEDIATION_COMMITTEE"
    DEPARTMENT = "DEPARTMENT"
    LAW_FIRM = "LAW_FIRM"
    OTHER = "OTHER"


class CaseCategory(Enum):
    DISPUTE = "DISPUTE"
    SERVICE_REQUEST = "SERVICE_REQUEST"
    HAZARD = "HAZARD"
    PROPOSAL = "PROPOSAL"


class CaseState(Enum):
    REPORTED = "REPORTED"
    ACCEPTED = "ACCEPTED"
    IN_PROGRESS = "IN_PROGRESS"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"
    VOIDED = "VOIDED"
    REFERRED = "REFERRED"


class CaseAction(Enum):
    REPORT = "REPORT"
    ACCEPT = "ACCEPT"
    VOID = "VOID"
    START = "START"
    ESCALATE = "ESCALATE"
    RESOLVE = "RESOLVE"
    REJECT = "REJECT"
    CLOSE = "CLOSE"
    REOPEN = "REOPEN"
    REFER = "REFER"
    NOTE = "NOTE"


class CaseSource(Enum):
    """How a case came in: reported by a resident or a worker, or found by the proactive
    search of disputes and hazards (排查) that grid workers and centres run."""

    REPORTED = "REPORTED"
    PROACTIVE_SEARCH = "PROACTIVE_SEARCH"


class VisitPurpose(Enum):
    """Why a household was visited (入户走访)."""

    CONSENT = "CONSENT"  # residents' consent for a project
    DISPUTE = "DISPUTE"
    CARE = "CARE"  # the elderly living alone, the sick, families in need
    SURVEY = "SURVEY"  # hearing what residents want (a residents' list)
    FOLLOW_UP = "FOLLOW_UP"  # after a case or a project
    OTHER = "OTHER"


class Rating(Enum):
    """A resident household's judgement of a closed case or a finished project (效果共评)."""

    SATISFIED = "SATISFIED"
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"
    NOT_SATISFIED = "NOT_SATISFIED"


class ProjectKind(Enum):
    """What a project of joint creation (共同缔造) builds or makes better."""

    RENOVATION = "RENOVATION"  # an old compound's renovation (老旧小区改造)
    CHARGER_SHED = "CHARGER_SHED"  # a shed to charge electric bikes
    SHARED_SPACE = "SHARED_SPACE"  # a shared garden, a reading corner, a yard for the elderly
    ROAD_AND_LIGHTING = "ROAD_AND_LIGHTING"
    GREENING = "GREENING"
    PARKING = "PARKING"
    OTHER = "OTHER"


class ProjectOrigin(Enum):
    """Where a project came from: a meeting (a house-yard talk …), the residents' list of
    wishes (群众需求清单), or a case."""

    MEETING = "MEETING"
    RESIDENTS_LIST = "RESIDENTS_LIST"
    CASE = "CASE"
    OTHER = "OTHER"


class ProjectState(Enum):
    """共谋 → 共建 → 共管 → 共评: proposed, planned, being built, done, judged by residents."""

    PROPOSED = "PROPOSED"
    PLANNED = "PLANNED"
    BUILDING = "BUILDING"
    DONE = "DONE"
    EVALUATED = "EVALUATED"


# The one way through: each state and the state that follows it. EVALUATED follows DONE
# only through a household's rating (graph.projects.evaluate_project).
PROJECT_NEXT = {
    ProjectState.PROPOSED: ProjectState.PLANNED,
    ProjectState.PLANNED: ProjectState.BUILDING,
    ProjectState.BUILDING: ProjectState.DONE,
    ProjectState.DONE: ProjectState.EVALUATED,
}


class MeetingKind(Enum):
    """The talks where residents and cadres meet and cadres commit on the spot."""

    RED_HOUSEYARD_TALK = "RED_HOUSEYARD_TALK"  # 红色屋场恳谈会
    EVENING_TALK = "EVENING_TALK"  # 幸福夜话
    SEVEN_THIRTY_POST = "SEVEN_THIRTY_POST"  # 七点半岗哨
    RESIDENTS_COUNCIL = "RESIDENTS_COUNCIL"  # 居民议事会
    OTHER = "OTHER"


class MatterKind(Enum):
    """What a meeting recorded: a matter residents raised, or a commitment cadres made."""

    RAISED = "RAISED"
    COMMITMENT = "COMMITMENT"
