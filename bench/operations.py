"""The benchmark's questions, each in three forms asking the same thing of the same graph:
govgraph's GraphQL, @neo4j/graphql's GraphQL (the peer's type definitions are in
bench/neo4j-graphql/typeDefs.graphql) and one hand-written Cypher statement (the floor).

Each form also says how to read its answer into one plain value, so that the three can be
checked to agree before anything is timed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from graph.core import clock

Answer = Any  # a plain value (tuples, ints, strings) that compares equal across forms
Json = dict[str, Any]

UTC_8 = timezone(timedelta(hours=8), "+08:00")
PAGE = 20  # the page size of every list asked for
WALK_PAGE = 10  # per level of the frontend walk: up to 10 x 10 x 10 households
LEVELS = ("GRID", "COMMUNITY", "TOWNSHIP", "COUNTY", "CITY")


@dataclass(frozen=True)
class Picks:
    """What the questions are asked about, chosen from the data the same way every run."""

    city: str
    county: str
    community: str
    person: str
    case_no: str
    committee: str
    grid: str
    as_of: date
    year: int

    # A fixed +08:00 offset (Shanghai has no summer time): the driver packs it directly.
    @property
    def year_start(self) -> datetime:
        return datetime(self.year, 1, 1, tzinfo=UTC_8)

    @property
    def year_end(self) -> datetime:
        return datetime(self.year + 1, 1, 1, tzinfo=UTC_8)


@dataclass(frozen=True)
class GraphQL:
    query: str
    variables: Callable[[Picks], Json]
    answer: Callable[[Json], Answer]  # from the response's `data`


@dataclass(frozen=True)
class Cypher:
    statement: str
    params: Callable[[Picks], Json]
    answer: Callable[[list[Json]], Answer]  # from the records, as dicts


@dataclass(frozen=True)
class Operation:
    name: str
    title: str
    ours: GraphQL
    peer: GraphQL
    floor: Cypher


# ------------------------------------------------------------------ shared Cypher


def active(name: str) -> str:
    """An assignment `name` active at $asOf (DESIGN §3)."""
    return (
        f"({name}.since IS NULL OR {name}.since <= $asOf) "
        f"AND ({name}.until IS NULL OR $asOf < {name}.until)"
    )


GRIDS_WITHIN = """CALL () {
  MATCH (g:Grid {code: $within}) RETURN g
  UNION
  MATCH (:Region {code: $within})<-[:PART_OF*0..]-(:Region)<-[:IN]-(g:Grid) RETURN g
}"""

# ------------------------------------------------------------------ 1 the frontend walk

WALK_OURS = """query Walk($code: String!, $first: Int!) {
  region(code: $code) { code name
    grids(first: $first) { nodes { code name kind
      buildings(first: $first) { nodes { code name
        households(first: $first) { nodes { id door members { id name } } } } } } } } }"""

WALK_PEER = """query Walk($code: String!, $first: Int!) {
  regions(where: { code: { eq: $code } }) { code name
    grids(limit: $first, sort: [{ code: ASC }]) { code name kind
      buildings(limit: $first, sort: [{ code: ASC }]) { code name
        households(limit: $first, sort: [{ id: ASC }]) { id door
          members(sort: [{ id: ASC }]) { id name } } } } } }"""

WALK_FLOOR = """
MATCH (r:Region {code: $code})
RETURN r.code AS code, r.name AS name, COLLECT {
  MATCH (r)<-[:IN]-(g:Grid) WITH g ORDER BY g.code LIMIT $first
  RETURN g {.code, .name, .kind, buildings: COLLECT {
    MATCH (g)<-[:IN]-(b:Building) WITH b ORDER BY b.code LIMIT $first
    RETURN b {.code, .name, households: COLLECT {
      MATCH (b)<-[:IN]-(h:Household) WITH h ORDER BY h.id LIMIT $first
      RETURN h {.id, .door, members: COLLECT {
        MATCH (h)<-[:LIVES_IN]-(p:Person) WITH p ORDER BY p.id RETURN p {.id, .name}
      }}
    }}
  }}
} AS grids"""


def _walk(grids: list[Json], items: Callable[[Json, str], list[Json]]) -> Answer:
    return tuple(
        (
            g["code"],
            tuple(
                (
                    b["code"],
                    tuple(
                        (h["id"], tuple(p["id"] for p in h["members"]))
                        for h in items(b, "households")
                    ),
                )
                for b in items(g, "buildings")
            ),
        )
        for g in grids
    )


def _nodes(parent: Json, field: str) -> list[Json]:
    return parent[field]["nodes"]


def _plain(parent: Json, field: str) -> list[Json]:
    return parent[field]


WALK = Operation(
    "walk",
    "frontend walk: community → grids → buildings → households → people",
    GraphQL(
        WALK_OURS,
        lambda p: {"code": p.community, "first": WALK_PAGE},
        lambda d: _walk(d["region"]["grids"]["nodes"], _nodes),
    ),
    GraphQL(
        WALK_PEER,
        lambda p: {"code": p.community, "first": WALK_PAGE},
        lambda d: _walk(d["regions"][0]["grids"], _plain),
    ),
    Cypher(
        WALK_FLOOR,
        lambda p: {"code": p.community, "first": WALK_PAGE},
        lambda rows: _walk(rows[0]["grids"], _plain),
    ),
)

# ------------------------------------------------------------------ 2 covered households

# Binds `n` to each household that `holder` covers at $asOf (DESIGN §3).
COVERED_BY_HOLDER = f"""CALL (holder) {{
  MATCH (holder)<-[:HELD_BY]-(a:Assignment {{role: 'CENTRAL_HOUSEHOLD'}})-[:TARGETS]->(n:Household)
  WHERE {active("a")}
  RETURN n
  UNION
  MATCH (holder)<-[:HELD_BY]-(a:Assignment {{role: 'HOUSEYARD_LEADER'}})
        -[:TARGETS]->(:Grid {{kind: 'HOUSEYARD'}})<-[:IN]-(:Building)<-[:IN]-(n:Household)
  WHERE {active("a")}
  RETURN n
}}"""

COVERED_FLOOR = f"""
MATCH (holder:Person {{id: $id}})
{COVERED_BY_HOLDER}
WITH holder, n ORDER BY n.id
WITH holder, collect(n {{.id, .door}}) AS covered
RETURN holder.id AS id, size(covered) AS totalCount, covered[..$first] AS nodes"""


def _ids(nodes: list[Json], key: str = "id") -> tuple[str, ...]:
    return tuple(node[key] for node in nodes)


COVERED = Operation(
    "covered",
    "a party member's covered households (first page, totalCount)",
    GraphQL(
        """query Covered($id: ID!, $asOf: Date!, $first: Int!) {
  person(id: $id) { id name
    coveredHouseholds(asOf: $asOf, first: $first) { totalCount nodes { id door } } } }""",
        lambda p: {"id": p.person, "asOf": p.as_of.isoformat(), "first": PAGE},
        lambda d: (
            d["person"]["coveredHouseholds"]["totalCount"],
            _ids(d["person"]["coveredHouseholds"]["nodes"]),
        ),
    ),
    GraphQL(
        """query Covered($id: ID!, $asOf: Date!, $first: Int!) {
  people(where: { id: { eq: $id } }) { id name
    coveredHouseholds(asOf: $asOf, first: $first) { id door }
    coveredHouseholdsCount(asOf: $asOf) } }""",
        lambda p: {"id": p.person, "asOf": p.as_of.isoformat(), "first": PAGE},
        lambda d: (
            d["people"][0]["coveredHouseholdsCount"],
            _ids(d["people"][0]["coveredHouseholds"]),
        ),
    ),
    Cypher(
        COVERED_FLOOR,
        lambda p: {"id": p.person, "asOf": p.as_of, "first": PAGE},
        lambda rows: (rows[0]["totalCount"], _ids(rows[0]["nodes"])),
    ),
)

# ------------------------------------------------------------------ 3 uncovered buildings

UNCOVERED_FLOOR = f"""
{GRIDS_WITHIN}
MATCH (g)<-[:IN]-(n:Building)
WHERE NOT EXISTS {{
  MATCH (n)<-[:TARGETS]-(a:Assignment {{role: 'BUILDING_GROUP'}}) WHERE {active("a")}
}}
WITH n ORDER BY n.code
WITH collect(n {{.code, .name}}) AS uncovered
RETURN size(uncovered) AS totalCount, uncovered[..$first] AS nodes"""

UNCOVERED = Operation(
    "uncovered",
    "uncovered buildings in a district (first page, totalCount)",
    GraphQL(
        """query Uncovered($within: String!, $asOf: Date!, $first: Int!) {
  uncoveredBuildings(within: $within, asOf: $asOf, first: $first) {
    totalCount nodes { code name } } }""",
        lambda p: {"within": p.county, "asOf": p.as_of.isoformat(), "first": PAGE},
        lambda d: (
            d["uncoveredBuildings"]["totalCount"],
            _ids(d["uncoveredBuildings"]["nodes"], "code"),
        ),
    ),
    GraphQL(
        """query Uncovered($within: String!, $asOf: Date!, $first: Int!) {
  uncoveredBuildings(within: $within, asOf: $asOf, first: $first) { code name }
  uncoveredBuildingsCount(within: $within, asOf: $asOf) }""",
        lambda p: {"within": p.county, "asOf": p.as_of.isoformat(), "first": PAGE},
        lambda d: (d["uncoveredBuildingsCount"], _ids(d["uncoveredBuildings"], "code")),
    ),
    Cypher(
        UNCOVERED_FLOOR,
        lambda p: {"within": p.county, "asOf": p.as_of, "first": PAGE},
        lambda rows: (rows[0]["totalCount"], _ids(rows[0]["nodes"], "code")),
    ),
)

# ------------------------------------------------------------------ 4 coverage report

FIGURES = (
    "buildings",
    "coveredBuildings",
    "households",
    "coveredHouseholds",
    "grids",
    "gridsWithWorker",
)
_FIGURE_FIELDS = " ".join(FIGURES)

# For each part of the scope (its child regions, or the grids of a community), the figures
# counted grid by grid over indexed relationships; the scope's own are their sums.
COVERAGE_FLOOR = f"""
MATCH (scope:Region {{code: $within}})
CALL (scope) {{
  MATCH (scope)<-[:PART_OF]-(c:Region) RETURN c.code AS part, c.name AS partName
  UNION
  MATCH (scope)<-[:IN]-(c:Grid) RETURN c.code AS part, c.name AS partName
}}
CALL (part) {{
  CALL (part) {{
    MATCH (g:Grid {{code: part}}) RETURN g
    UNION
    MATCH (:Region {{code: part}})<-[:PART_OF*0..]-(:Region)<-[:IN]-(g:Grid) RETURN g
  }}
  CALL (g) {{
    MATCH (g)<-[:IN]-(b:Building)
    RETURN count(b) AS buildings, count(CASE WHEN EXISTS {{
      MATCH (b)<-[:TARGETS]-(a:Assignment {{role: 'BUILDING_GROUP'}}) WHERE {active("a")}
    }} THEN 1 END) AS coveredBuildings
  }}
  CALL (g) {{
    WITH g, g.kind = 'HOUSEYARD' AND EXISTS {{
      MATCH (g)<-[:TARGETS]-(a:Assignment {{role: 'HOUSEYARD_LEADER'}}) WHERE {active("a")}
    }} AS led
    MATCH (g)<-[:IN]-(:Building)<-[:IN]-(h:Household)
    RETURN count(h) AS households, count(CASE WHEN led OR EXISTS {{
      MATCH (h)<-[:TARGETS]-(a:Assignment {{role: 'CENTRAL_HOUSEHOLD'}}) WHERE {active("a")}
    }} THEN 1 END) AS coveredHouseholds
  }}
  RETURN sum(buildings) AS buildings, sum(coveredBuildings) AS coveredBuildings,
         sum(households) AS households, sum(coveredHouseholds) AS coveredHouseholds,
         count(g) AS grids,
         count(CASE WHEN EXISTS {{
           MATCH (g)<-[:TARGETS]-(a:Assignment {{role: 'GRID_WORKER'}}) WHERE {active("a")}
         }} THEN 1 END) AS gridsWithWorker
}}
RETURN scope.code AS within, scope.name AS name, part, partName, {", ".join(FIGURES)}
ORDER BY part"""


def _figures(report: Json) -> tuple[int, ...]:
    return tuple(report[key] for key in FIGURES)


def _coverage(report: Json) -> Answer:
    children = tuple((c["within"], _figures(c)) for c in report["children"])
    return report["within"], _figures(report), children


def _coverage_rows(rows: list[Json]) -> Answer:
    totals = tuple(sum(row[key] for row in rows) for key in FIGURES)
    return rows[0]["within"], totals, tuple((row["part"], _figures(row)) for row in rows)


COVERAGE = Operation(
    "coverage",
    "coverage report of the city with its children",
    GraphQL(
        f"""query Coverage($within: String!, $asOf: Date!) {{
  coverage(within: $within, asOf: $asOf) {{ within name {_FIGURE_FIELDS}
    children {{ within name {_FIGURE_FIELDS} }} }} }}""",
        lambda p: {"within": p.city, "asOf": p.as_of.isoformat()},
        lambda d: _coverage(d["coverage"]),
    ),
    GraphQL(
        f"""query Coverage($within: String!, $asOf: Date!) {{
  coverage(within: $within, asOf: $asOf) {{ within name {_FIGURE_FIELDS}
    children {{ within name {_FIGURE_FIELDS} }} }} }}""",
        lambda p: {"within": p.city, "asOf": p.as_of.isoformat()},
        lambda d: _coverage(d["coverage"]),
    ),
    Cypher(
        COVERAGE_FLOOR,
        lambda p: {"within": p.city, "asOf": p.as_of},
        _coverage_rows,
    ),
)

# ------------------------------------------------------------------ 5 one case's timeline
# DateTime fields (`at`, `reportedAt`) are asked for only when the database has APOC, which
# @neo4j/graphql formats them with; without it, none of the three forms asks for them.


def _timeline(case: Json) -> Answer:
    return (
        case["caseNo"],
        case["state"],
        tuple(
            (
                e["seq"],
                e["action"],
                e["toState"],
                e["actor"] and e["actor"]["id"],
                e["center"] and e["center"]["id"],
            )
            for e in case["events"]
        ),
    )


def timeline(times: bool) -> Operation:
    at, at_field = ("at ", ".at, ") if times else ("", "")
    fields = f"seq {at}action fromState toState level note actor {{ id name }} center {{ id name }}"
    floor = f"""
MATCH (c:Case {{caseNo: $caseNo}})
RETURN c.caseNo AS caseNo, c.title AS title, c.state AS state, c.level AS level, COLLECT {{
  MATCH (c)-[:HAS_EVENT]->(e:CaseEvent) WITH e ORDER BY e.seq
  RETURN e {{.seq, {at_field}.action, .fromState, .toState, .level, .note,
            actor: COLLECT {{ MATCH (e)-[:BY]->(p:Person) RETURN p {{.id, .name}} }}[0],
            center: COLLECT {{ MATCH (e)-[:AT]->(x:GovernanceCenter) RETURN x {{.id, .name}} }}[0]}}
}} AS events"""
    return Operation(
        "timeline",
        "one case's timeline",
        GraphQL(
            f"""query Timeline($caseNo: String!) {{
  case(caseNo: $caseNo) {{ caseNo title state level events {{ {fields} }} }} }}""",
            lambda p: {"caseNo": p.case_no},
            lambda d: _timeline(d["case"]),
        ),
        GraphQL(
            f"""query Timeline($caseNo: String!) {{
  cases(where: {{ caseNo: {{ eq: $caseNo }} }}) {{ caseNo title state level
    events(sort: [{{ seq: ASC }}]) {{ {fields} }} }} }}""",
            lambda p: {"caseNo": p.case_no},
            lambda d: _timeline(d["cases"][0]),
        ),
        Cypher(floor, lambda p: {"caseNo": p.case_no}, lambda rows: _timeline(rows[0])),
    )


# ------------------------------------------------------------------ 6 a filtered case list

LIST_STATE, LIST_CATEGORY = "CLOSED", "DISPUTE"


def _case_vars(p: Picks) -> Json:
    return {"within": p.county, "state": LIST_STATE, "category": LIST_CATEGORY, "first": PAGE}


def cases(times: bool) -> Operation:
    fields = "caseNo title state level" + (" reportedAt" if times else "")
    projection = ".caseNo, .title, .state, .level" + (", .reportedAt" if times else "")
    floor = f"""
{GRIDS_WITHIN}
MATCH (n:Case)-[:REPORTED_IN]->(g)
WHERE n.state = $state AND n.category = $category
WITH n ORDER BY n.caseNo
WITH collect(n) AS found
RETURN size(found) AS totalCount, [c IN found[..$first] | c {{{projection}}}] AS nodes"""
    return Operation(
        "cases",
        f"case list: within a county, {LIST_STATE}, {LIST_CATEGORY}, first {PAGE}, totalCount",
        GraphQL(
            f"""query Cases($within: String!, $state: CaseState!, $category: CaseCategory!,
             $first: Int!) {{
  cases(filter: {{ within: $within, state: $state, category: $category }}, first: $first) {{
    totalCount nodes {{ {fields} }} }} }}""",
            _case_vars,
            lambda d: (d["cases"]["totalCount"], _ids(d["cases"]["nodes"], "caseNo")),
        ),
        # Regions nest county > township > community or village > grid: the county is the
        # grandparent of a case's grid's region, which the library's filters can say.
        GraphQL(
            f"""query Cases($within: String!, $state: CaseState!, $category: CaseCategory!,
             $first: Int!) {{
  casesConnection(
    where: {{ state: {{ eq: $state }}, category: {{ eq: $category }},
             grid: {{ region: {{ parent: {{ parent: {{ code: {{ eq: $within }} }} }} }} }} }}
    first: $first, sort: [{{ caseNo: ASC }}]) {{
    totalCount edges {{ node {{ {fields} }} }} }} }}""",
            _case_vars,
            lambda d: (
                d["casesConnection"]["totalCount"],
                tuple(e["node"]["caseNo"] for e in d["casesConnection"]["edges"]),
            ),
        ),
        Cypher(
            floor,
            _case_vars,
            lambda rows: (rows[0]["totalCount"], _ids(rows[0]["nodes"], "caseNo")),
        ),
    )


# ------------------------------------------------------------------ 7 case figures

STATS_FLOOR = f"""
{GRIDS_WITHIN}
MATCH (n:Case)-[:REPORTED_IN]->(g)
WHERE n.reportedAt >= $from AND n.reportedAt < $until
WITH count(n) AS reported,
     collect(CASE WHEN n.state = 'CLOSED' THEN n.resolvedLevel END) AS settled
RETURN reported, size(settled) AS closed,
       [level IN $levels | {{level: level, count: size([x IN settled WHERE x = level])}}]
         AS resolvedAt"""


def _stats(stats: Json) -> Answer:
    levels = tuple((row["level"], row["count"]) for row in stats["resolvedAt"])
    return stats["reported"], stats["closed"], levels


STATS = Operation(
    "caseStats",
    "caseStats for a county over a year",
    GraphQL(
        """query Stats($within: String!, $from: Date!, $to: Date!) {
  caseStats(within: $within, from: $from, to: $to) {
    reported closed resolvedAt { level count } } }""",
        lambda p: {
            "within": p.county,
            "from": p.year_start.date().isoformat(),
            "to": (p.year_end.date() - timedelta(days=1)).isoformat(),
        },
        lambda d: _stats(d["caseStats"]),
    ),
    GraphQL(
        """query Stats($within: String!, $from: DateTime!, $until: DateTime!) {
  caseStats(within: $within, from: $from, until: $until) {
    reported closed resolvedAt { level count } } }""",
        lambda p: {
            "within": p.county,
            "from": p.year_start.isoformat(),
            "until": p.year_end.isoformat(),
        },
        lambda d: _stats(d["caseStats"]),
    ),
    Cypher(
        STATS_FLOOR,
        lambda p: {
            "within": p.county,
            "from": p.year_start,
            "until": p.year_end,
            "levels": list(LEVELS),
        },
        lambda rows: _stats(rows[0]),
    ),
)


# ------------------------------------------------------------------ 8 a party chain
# A community's top organisation, two levels below it (branches, then groups), and a first
# page of each one's members active at asOf, with their number.

ACTIVE_EDGE = """{ AND: [{ OR: [{ since: { eq: null } }, { since: { lte: $asOf } }] },
                         { OR: [{ until: { eq: null } }, { until: { gt: $asOf } }] }] }"""


def _chain_level(inner: str, *, ours: bool) -> str:
    if ours:
        members = "members(asOf: $asOf, first: $first) { totalCount nodes { id name } }"
        return f"id name level {members} {inner}"
    members = (
        f"membersConnection(where: {{ edge: {ACTIVE_EDGE} }}, first: $first, "
        "sort: [{ node: { id: ASC } }]) { totalCount edges { node { id name } } }"
    )
    return f"id name level {members} {inner}"


def _chain_query(ours: bool) -> str:
    children = "children" if ours else "children(sort: [{ id: ASC }])"
    third = _chain_level("", ours=ours)
    second = _chain_level(f"{children} {{ {third} }}", ours=ours)
    first = _chain_level(f"{children} {{ {second} }}", ours=ours)
    root = (
        "partyOrganization(id: $id)" if ours else "partyOrganizations(where: { id: { eq: $id } })"
    )
    return f"query Chain($id: ID!, $asOf: Date!, $first: Int!) {{ {root} {{ {first} }} }}"


def _floor_members(org: str) -> str:
    active_members = f"MATCH ({org})<-[m:MEMBER_OF]-(p:Person) WHERE {active('m')} WITH DISTINCT p"
    return (
        f"{{totalCount: COUNT {{ {active_members} RETURN p }}, "
        f"nodes: COLLECT {{ {active_members} ORDER BY p.id LIMIT $first "
        "RETURN p {.id, .name} }}"
    )


CHAIN_FLOOR = f"""
MATCH (o:PartyOrganization {{id: $id}})
RETURN o {{.id, .name, .level, members: {_floor_members("o")}, children: COLLECT {{
  MATCH (o)<-[:UNDER]-(c:PartyOrganization) WITH c ORDER BY c.id
  RETURN c {{.id, .name, .level, members: {_floor_members("c")}, children: COLLECT {{
    MATCH (c)<-[:UNDER]-(d:PartyOrganization) WITH d ORDER BY d.id
    RETURN d {{.id, .name, .level, members: {_floor_members("d")}, children: []}}
  }}}}
}}}} AS org"""


def _chain(org: Json, members: Callable[[Json], tuple[int, tuple[str, ...]]]) -> Answer:
    return (
        org["id"],
        org["level"],
        members(org),
        tuple(_chain(child, members) for child in org.get("children", [])),
    )


def _members_ours(org: Json) -> tuple[int, tuple[str, ...]]:
    return org["members"]["totalCount"], _ids(org["members"]["nodes"])


def _members_peer(org: Json) -> tuple[int, tuple[str, ...]]:
    found = org["membersConnection"]
    return found["totalCount"], tuple(edge["node"]["id"] for edge in found["edges"])


def _chain_vars(p: Picks) -> Json:
    return {"id": p.committee, "asOf": p.as_of.isoformat(), "first": PAGE}


CHAIN = Operation(
    "chain",
    "party chain: a community's organisation → 2 levels below → members of each (first page)",
    GraphQL(
        _chain_query(ours=True),
        _chain_vars,
        lambda d: _chain(d["partyOrganization"], _members_ours),
    ),
    GraphQL(
        _chain_query(ours=False),
        _chain_vars,
        lambda d: _chain(d["partyOrganizations"][0], _members_peer),
    ),
    Cypher(
        CHAIN_FLOOR,
        lambda p: {"id": p.committee, "asOf": p.as_of, "first": PAGE},
        lambda rows: _chain(rows[0]["org"], _members_ours),
    ),
)

# ------------------------------------------------------------------ 9 a person's card
# Household and its building, memberships and assignments active at asOf, and the first
# page of covered households with their number.


def _day(value: Any) -> str | None:
    return None if value is None else str(value)


def _duties(assignments: list[Json]) -> list[Json]:
    """Assignments as the floor gives them: the target's key in `targetKey`."""
    targets = (("targetGrid", "code"), ("targetBuilding", "code"), ("targetHousehold", "id"))
    return [
        {**a, "targetKey": next(a[field][key] for field, key in targets if a[field])}
        for a in assignments
    ]


def _card(
    person: Json,
    memberships: list[Json],
    assignments: list[Json],
    *,
    covered: tuple[int, tuple[str, ...]],
) -> Answer:
    home = person["household"]
    return (
        person["id"],
        home and (home["id"], home["door"], home["building"]["code"]),
        # Memberships come in `since` order (ties in any): compared as sorted.
        tuple(sorted((m["kind"], _day(m["since"]), m["organization"]["id"]) for m in memberships)),
        tuple((a["id"], a["role"], _day(a["since"]), a["targetKey"]) for a in assignments),
        covered,
    )


CARD_OURS = """query Card($id: ID!, $asOf: Date!, $first: Int!) {
  person(id: $id) { id name
    household { id door building { code } }
    partyMemberships(asOf: $asOf) { kind since organization { id name } }
    assignments(asOf: $asOf) { id role since
      targetGrid { code } targetBuilding { code } targetHousehold { id } }
    coveredHouseholds(asOf: $asOf, first: $first) { totalCount nodes { id door } } } }"""

CARD_PEER = f"""query Card($id: ID!, $asOf: Date!, $first: Int!) {{
  people(where: {{ id: {{ eq: $id }} }}) {{ id name
    household {{ id door building {{ code }} }}
    partyOrganizationsConnection(where: {{ edge: {ACTIVE_EDGE} }}) {{
      edges {{ properties {{ kind since }} node {{ id name }} }} }}
    assignments(where: {ACTIVE_EDGE}, sort: [{{ id: ASC }}]) {{ id role since
      targetGrid {{ code }} targetBuilding {{ code }} targetHousehold {{ id }} }}
    coveredHouseholds(asOf: $asOf, first: $first) {{ id door }}
    coveredHouseholdsCount(asOf: $asOf) }} }}"""

CARD_FLOOR = f"""
MATCH (holder:Person {{id: $id}})
CALL (holder) {{
  {COVERED_BY_HOLDER}
  WITH n ORDER BY n.id
  RETURN collect(n {{.id, .door}}) AS covered
}}
RETURN holder {{.id, .name}} AS person,
  head(COLLECT {{
    MATCH (holder)-[:LIVES_IN]->(h:Household)-[:IN]->(b:Building)
    RETURN h {{.id, .door, building: b {{.code}}}}
  }}) AS household,
  COLLECT {{
    MATCH (holder)-[m:MEMBER_OF]->(o:PartyOrganization) WHERE {active("m")}
    RETURN {{kind: m.kind, since: m.since, organization: o {{.id, .name}}}}
  }} AS memberships,
  COLLECT {{
    MATCH (holder)<-[:HELD_BY]-(a:Assignment)-[:TARGETS]->(t) WHERE {active("a")}
    WITH a, t ORDER BY a.id
    RETURN a {{.id, .role, .since, targetKey: coalesce(t.code, t.id)}}
  }} AS assignments,
  size(covered) AS totalCount, covered[..$first] AS nodes"""


def _card_floor(rows: list[Json]) -> Answer:
    row = rows[0]
    return _card(
        {**row["person"], "household": row["household"]},
        row["memberships"],
        row["assignments"],
        covered=(row["totalCount"], _ids(row["nodes"])),
    )


def _card_peer(d: Json) -> Answer:
    person = d["people"][0]
    memberships = [
        {**edge["properties"], "organization": edge["node"]}
        for edge in person["partyOrganizationsConnection"]["edges"]
    ]
    covered = (person["coveredHouseholdsCount"], _ids(person["coveredHouseholds"]))
    return _card(person, memberships, _duties(person["assignments"]), covered=covered)


def _card_ours(d: Json) -> Answer:
    person = d["person"]
    covered = person["coveredHouseholds"]
    return _card(
        person,
        person["partyMemberships"],
        _duties(person["assignments"]),
        covered=(covered["totalCount"], _ids(covered["nodes"])),
    )


def _card_vars(p: Picks) -> Json:
    return {"id": p.person, "asOf": p.as_of.isoformat(), "first": PAGE}


CARD = Operation(
    "card",
    "a person's card: household, memberships, assignments, covered households (first page)",
    GraphQL(CARD_OURS, _card_vars, _card_ours),
    GraphQL(CARD_PEER, _card_vars, _card_peer),
    Cypher(CARD_FLOOR, lambda p: {"id": p.person, "asOf": p.as_of, "first": PAGE}, _card_floor),
)

# ------------------------------------------------------------------ 10 a grid's page
# A grid, its region, active grid workers and stations, and a first page of its buildings
# with each one's number of households.

GRID_OURS = """query GridPage($code: String!, $asOf: Date!, $first: Int!) {
  grid(code: $code) { code name kind region { code name }
    workers(asOf: $asOf) { id name }
    stations { id name kind }
    buildings(first: $first) { totalCount
      nodes { code name households(first: 0) { totalCount } } } } }"""

GRID_PEER = f"""query GridPage($code: String!, $asOf: Date!, $first: Int!) {{
  grids(where: {{ code: {{ eq: $code }} }}) {{ code name kind region {{ code name }}
    assignments(where: {{ AND: [{{ role: {{ eq: GRID_WORKER }} }}, {ACTIVE_EDGE}] }}) {{
      holderPerson {{ id name }} }}
    stations(sort: [{{ id: ASC }}]) {{ id name kind }}
    buildingsConnection(first: $first, sort: [{{ node: {{ code: ASC }} }}]) {{ totalCount
      edges {{ node {{ code name householdsConnection {{ totalCount }} }} }} }} }} }}"""

GRID_FLOOR = f"""
MATCH (g:Grid {{code: $code}})
RETURN g {{.code, .name, .kind}} AS grid,
  head(COLLECT {{ MATCH (g)-[:IN]->(r:Region) RETURN r {{.code, .name}} }}) AS region,
  COLLECT {{
    MATCH (g)<-[:TARGETS]-(a:Assignment {{role: 'GRID_WORKER'}})-[:HELD_BY]->(p:Person)
    WHERE {active("a")}
    WITH DISTINCT p ORDER BY p.id RETURN p {{.id, .name}}
  }} AS workers,
  COLLECT {{
    MATCH (g)<-[:IN]-(s:ServiceStation) WITH s ORDER BY s.id RETURN s {{.id, .name, .kind}}
  }} AS stations,
  COUNT {{ (g)<-[:IN]-(:Building) }} AS totalCount,
  COLLECT {{
    MATCH (g)<-[:IN]-(b:Building) WITH b ORDER BY b.code LIMIT $first
    RETURN b {{.code, .name, households: COUNT {{ (b)<-[:IN]-(:Household) }}}}
  }} AS buildings"""


def _grid_page(
    grid: Json, workers: list[Json], total: int, *, buildings: list[tuple[str, int]]
) -> Answer:
    return (
        grid["code"],
        grid["kind"],
        grid["region"]["code"],
        tuple(sorted(w["id"] for w in workers)),  # by id in govgraph; by no order in the peer
        tuple((s["id"], s["kind"]) for s in grid["stations"]),
        total,
        tuple(buildings),
    )


def _grid_ours(d: Json) -> Answer:
    grid = d["grid"]
    page = grid["buildings"]
    buildings = [(b["code"], b["households"]["totalCount"]) for b in page["nodes"]]
    return _grid_page(grid, grid["workers"], page["totalCount"], buildings=buildings)


def _grid_peer(d: Json) -> Answer:
    grid = d["grids"][0]
    page = grid["buildingsConnection"]
    buildings = [
        (e["node"]["code"], e["node"]["householdsConnection"]["totalCount"]) for e in page["edges"]
    ]
    workers = [a["holderPerson"] for a in grid["assignments"] if a["holderPerson"]]
    return _grid_page(grid, workers, page["totalCount"], buildings=buildings)


def _grid_floor(rows: list[Json]) -> Answer:
    row = rows[0]
    grid = {**row["grid"], "region": row["region"], "stations": row["stations"]}
    buildings = [(b["code"], b["households"]) for b in row["buildings"]]
    return _grid_page(grid, row["workers"], row["totalCount"], buildings=buildings)


def _grid_vars(p: Picks) -> Json:
    return {"code": p.grid, "asOf": p.as_of.isoformat(), "first": PAGE}


GRID_PAGE = Operation(
    "grid",
    "a grid's page: region, workers, stations, buildings (first page) with household counts",
    GraphQL(GRID_OURS, _grid_vars, _grid_ours),
    GraphQL(GRID_PEER, _grid_vars, _grid_peer),
    Cypher(GRID_FLOOR, lambda p: {"code": p.grid, "asOf": p.as_of, "first": PAGE}, _grid_floor),
)


def operations(times: bool = True) -> tuple[Operation, ...]:
    """The ten questions; `times`: ask for DateTime fields (needs APOC for the peer)."""
    return (
        WALK, COVERED, UNCOVERED, COVERAGE, timeline(times), cases(times), STATS,
        CHAIN, CARD, GRID_PAGE,
    )  # fmt: skip


# ------------------------------------------------------------------ the picks

PICKS = f"""
MATCH (city:Region {{level: 'CITY'}})
CALL () {{
  MATCH (county:Region {{level: 'COUNTY'}})
  RETURN county.code AS county ORDER BY county.code LIMIT 1
}}
CALL (county) {{
  MATCH (:Region {{code: county}})<-[:PART_OF]-(:Region)
        <-[:PART_OF]-(c:Region {{level: 'COMMUNITY'}})
  WHERE EXISTS {{ (c)<-[:IN]-(:Grid {{kind: 'COMPOUND'}}) }}
  RETURN c.code AS community ORDER BY c.code LIMIT 1
}}
CALL () {{
  MATCH (a:Assignment {{role: 'CENTRAL_HOUSEHOLD'}})-[:HELD_BY]->(p:Person)
  WHERE {active("a")}
  RETURN p.id AS person ORDER BY a.id LIMIT 1
}}
CALL (county) {{
  MATCH (:Region {{code: county}})<-[:PART_OF*0..]-(:Region)<-[:IN]-(:Grid)<-[:REPORTED_IN]-(c:Case)
  WHERE c.lastSeq >= 6
  RETURN c.caseNo AS caseNo ORDER BY c.caseNo LIMIT 1
}}
CALL (community) {{
  MATCH (o:PartyOrganization)-[:BELONGS_TO]->(:Region {{code: community}})
  WHERE NOT EXISTS {{ (o)-[:UNDER]->() }} AND EXISTS {{ (o)<-[:UNDER]-()<-[:UNDER]-() }}
  RETURN o.id AS committee ORDER BY o.id LIMIT 1
}}
CALL (county) {{
  MATCH (:Region {{code: county}})<-[:PART_OF*0..]-(:Region)<-[:IN]-(g:Grid)
  RETURN g.code AS grid
  ORDER BY EXISTS {{ (g)<-[:IN]-(:ServiceStation) }} DESC,
           EXISTS {{ (g)<-[:TARGETS]-(:Assignment {{role: 'GRID_WORKER'}}) }} DESC, g.code
  LIMIT 1
}}
RETURN city.code AS city, county, community, person, caseNo, committee, grid"""


def pick_params(as_of: date) -> Json:
    return {"asOf": as_of}


def picks_from(row: Json, as_of: date) -> Picks:
    return Picks(
        row["city"],
        row["county"],
        row["community"],
        row["person"],
        row["caseNo"],
        row["committee"],
        row["grid"],
        as_of,
        as_of.year,
    )


def today() -> date:
    return clock.today()
