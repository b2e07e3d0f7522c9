"""Search by name (issue #13): people, buildings (name and address), grids, regions, party
organisations, governance centres and service stations, ranked, in one statement.

One full-text index (`search`, Lucene's `cjk` analyzer: Chinese text as overlapping
bigrams) holds every name and address. A bigram index cannot find one character, so a
text of one or two characters also looks for names containing it through the text
indexes beside it (a single-character surname, a two-character name). The reader's scope
and the `within` region or grid are tested inside the statement before the page is cut,
so hits and their total never reach past them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from graph.core.db import Database
from graph.core.records import record
from graph.security.scope import (
    center_visible,
    grid_in_scope,
    judge,
    organization_visible,
    person_visible,
    placed_in_scope,
    region_in_scope,
    station_visible,
    within_checked,
)

INDEX = "search"
ANALYZER = "cjk"
SHORT = 2  # texts this long or shorter also look for names that contain them


class SearchKind(Enum):
    PERSON = "PERSON"
    BUILDING = "BUILDING"
    GRID = "GRID"
    REGION = "REGION"
    PARTY_ORGANIZATION = "PARTY_ORGANIZATION"
    CENTER = "CENTER"
    STATION = "STATION"


@dataclass(frozen=True)
class Searched:
    """How each kind is stored: its label, key, searched properties, and who may see it."""

    label: str
    key: str
    properties: tuple[str, ...]
    visible: str  # a predicate on `n` (graph.security.scope)
    within: str  # a predicate on `n`: it lies within $within (null: everywhere)


def _grid_within(grid: str) -> str:
    return (
        f"({grid}.code = $within OR EXISTS {{ MATCH ({grid})-[:IN]->(:Region)"
        f"-[:PART_OF*0..]->(:Region {{code: $within}}) }})"
    )


def _region_within(region: str) -> str:
    return f"EXISTS {{ MATCH ({region})-[:PART_OF*0..]->(:Region {{code: $within}}) }}"


KINDS: dict[SearchKind, Searched] = {
    SearchKind.PERSON: Searched(
        "Person", "id", ("name",), person_visible("n"),
        "EXISTS { MATCH (n)-[:LIVES_IN]->(:Household)-[:IN]->(:Building)-[:IN]->(wg:Grid) "
        f"WHERE {_grid_within('wg')} }}",
    ),
    SearchKind.BUILDING: Searched(
        "Building", "code", ("name", "address"), placed_in_scope("n"),
        f"EXISTS {{ MATCH (n)-[:IN]->(wg:Grid) WHERE {_grid_within('wg')} }}",
    ),
    SearchKind.GRID: Searched("Grid", "code", ("name",), grid_in_scope("n"), _grid_within("n")),
    # A region above the scope shows as a parent, but is not looked up: not a hit either.
    SearchKind.REGION: Searched(
        "Region", "code", ("name",), region_in_scope("n"), _region_within("n")
    ),
    SearchKind.PARTY_ORGANIZATION: Searched(
        "PartyOrganization", "id", ("name",), organization_visible("n"),
        f"EXISTS {{ MATCH (n)-[:BELONGS_TO]->(wr:Region) WHERE {_region_within('wr')} }}",
    ),
    SearchKind.CENTER: Searched(
        "GovernanceCenter", "id", ("name",), center_visible("n"),
        f"EXISTS {{ MATCH (n)-[:SERVES]->(wr:Region) WHERE {_region_within('wr')} }}",
    ),
    SearchKind.STATION: Searched(
        "ServiceStation", "id", ("name", "address"), station_visible("n"),
        f"(EXISTS {{ MATCH (n)-[:IN]->(wg:Grid) WHERE {_grid_within('wg')} }} "
        f"OR EXISTS {{ MATCH (n)-[:IN]->(wr:Region) WHERE {_region_within('wr')} }})",
    ),
}  # fmt: skip


def index_statements() -> list[str]:
    """The full-text index and the text indexes beside it (graph.store.migrations)."""
    labels = "|".join(searched.label for searched in KINDS.values())
    properties = sorted({p for searched in KINDS.values() for p in searched.properties})
    found = [
        f"CREATE FULLTEXT INDEX {INDEX} IF NOT EXISTS FOR (n:{labels}) "
        f"ON EACH [{', '.join(f'n.{p}' for p in properties)}] "
        f"OPTIONS {{indexConfig: {{`fulltext.analyzer`: '{ANALYZER}'}}}}"
    ]
    for searched in KINDS.values():
        for prop in searched.properties:
            name = f"{searched.label.lower()}_{prop}_text"
            found.append(
                f"CREATE TEXT INDEX {name} IF NOT EXISTS FOR (n:{searched.label}) ON (n.{prop})"
            )
    return found


# The characters of Lucene's query syntax, escaped; and its operators (AND, OR, NOT: only in
# capitals) written in lower case, which the analyzer reads as words: what a reader types
# is never a query.
_LUCENE_SPECIAL = set('\\+-!():^[]"{}~*?|&/')


def lucene_query(text: str) -> str:
    """The text as words, any of which may match (the analyzer cuts Chinese into bigrams)."""
    return "".join(f"\\{c}" if c in _LUCENE_SPECIAL else c for c in text.lower())


@dataclass(frozen=True)
class SearchHit:
    kind: SearchKind
    key: str
    name: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int


def _statement(short: bool) -> str:
    """Every part comes from the constants above; the text and the kinds are parameters, so
    that two statements (short texts or not) serve every search, planned once."""
    sources = [
        "UNWIND CASE WHEN $lucene = '' THEN [] ELSE [$lucene] END AS q "
        f"CALL db.index.fulltext.queryNodes('{INDEX}', q) YIELD node, score "
        "RETURN node AS n, score"
    ]
    if short:
        for kind, searched in KINDS.items():
            for prop in searched.properties:
                sources.append(
                    f"MATCH (n:{searched.label}) WHERE '{kind.value}' IN $kinds "
                    f"AND n.{prop} CONTAINS $text RETURN n, 0.0 AS score"
                )
    union = "\n      UNION ALL\n      ".join(sources)
    kind_of = " ".join(f"WHEN n:{s.label} THEN '{kind.value}'" for kind, s in KINDS.items())
    # A CASE, not an OR of ANDs: the planner would multiply those out and take far longer
    # to plan the statement.
    allowed = " ".join(
        f"WHEN '{kind.value}' THEN {s.visible} AND ($within IS NULL OR {s.within})"
        for kind, s in KINDS.items()
    )
    keys = " ".join(f"WHEN '{kind.value}' THEN n.{s.key}" for kind, s in KINDS.items())
    return f"""
    CALL () {{
      {union}
    }}
    WITH n, max(score) AS score
    WITH n, score, CASE {kind_of} END AS kind
    WHERE kind IN $kinds AND CASE kind {allowed} ELSE false END
    WITH n, kind, score
      + CASE WHEN n.name = $text THEN 10.0 WHEN n.name STARTS WITH $text THEN 5.0
             WHEN n.name CONTAINS $text THEN 2.0 ELSE 0.0 END AS score
    WITH kind, CASE kind {keys} END AS key, n.name AS name, score
    ORDER BY score DESC, kind, key
    WITH collect({{kind: kind, key: key, name: name, score: score}}) AS hits
    {within_checked()}
    RETURN size(hits) AS total, hits[$offset..$offset + $limit] AS page, found, allowed"""


STATEMENTS = {short: _statement(short) for short in (False, True)}


async def prepare(db: Database) -> None:
    """Plan both statements, for a reader of the whole city and a scoped one (a plan is
    cached per statement and parameter types), before the first reader waits: the scope
    predicates of seven kinds take Neo4j seconds to plan."""
    params = {"text": "", "lucene": "", "kinds": [], "within": None, "offset": 0, "limit": 0}
    for statement in STATEMENTS.values():
        for reader in (db, db.scoped(("",))):
            await reader.read(statement, params)


async def search(
    db: Database,
    text: str,
    kinds: Sequence[SearchKind],
    *,
    within: str | None,
    offset: int,
    limit: int,
) -> SearchResult:
    """Hits of `kinds` matching `text`, best first, from `offset`, and how many there are.
    A `within` outside the reader's scope is FORBIDDEN, one that names nothing NOT_FOUND,
    as graph.security.scope.require says, from the same statement."""
    params = {
        "text": text,
        "kinds": [kind.value for kind in kinds],
        "lucene": lucene_query(text),
        "within": within,
        "offset": offset,
        "limit": limit,
    }
    rows = await db.read(STATEMENTS[len(text) <= SHORT], params)
    if within is not None:
        judge(db, within, rows[0])
    return SearchResult([record(SearchHit, hit) for hit in rows[0]["page"]], rows[0]["total"])
