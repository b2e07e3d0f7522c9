"""Cases linked to their grid by REPORTED_IN (issue #11 item 5): a graph written when cases
hung off their grid by IN, as buildings do, is moved by the migrations, in batches that a
killed start leaves to the next one, and answers as before; imports write the new link."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from graph.importing.online import import_dataset
from graph.security.principal import AccessRole
from graph.store import migrations
from tests.case_support import GRID, REPORTER, report
from tests.support import DEMO, TEST_PII_KEYS, Api, Graph, govgraph

pytestmark = pytest.mark.usefixtures("demo")

QUESTIONS = [
    """{ cases(filter: { within: "420600" }, first: 100) {
      totalCount nodes { caseNo title state level resolvedLevel grid { code name }
                         reportedBy { id } events { seq action level } } } }""",
    """{ cases(filter: { within: "420602", state: CLOSED }, first: 5) {
      totalCount nodes { caseNo grid { code } } pageInfo { hasNextPage endCursor } } }""",
    """{ cases(filter: { within: "420602001001-G02" }) { totalCount nodes { caseNo } } }""",
    """{ cases(first: 100) { totalCount nodes { caseNo grid { code } } } }""",
    """{ caseStats(within: "420602") {
      reported closed resolvedAt { level count } resolvedLocallyRatio } }""",
    """{ case(caseNo: "XY-2026-0006") { title grid { code name } reportedBy { name }
        events { seq actor { name } center { name } } } }""",
    """{ person(id: "P0055") { id name } }""",
    """{ stats(within: "420602") { cases grids buildings } }""",
]
# Readers whose scope the cases' grids decide: ADMIN (no scope), a case handler of a
# community, a grid worker of one grid.
READERS = [
    (AccessRole.ADMIN,),
    (AccessRole.CASE_HANDLER, "420602001001"),
    (AccessRole.GRID_WORKER, "420602001001-G02"),
]


def answers(api: Api) -> list[dict[str, Any]]:
    found = []
    for role, *scope in READERS:
        reader = api if role is AccessRole.ADMIN else api.as_(role, *scope)
        for question in QUESTIONS:
            body = reader.post(question)
            found.append({key: body.get(key) for key in ("data", "errors")})  # not the path
    return found


def links(graph: Graph) -> dict[str, int]:
    """How many cases hang off a grid by each relationship, and how many cases there are."""
    (row,) = graph.cypher(
        "MATCH (c:Case) RETURN count(c) AS cases, "
        "count(CASE WHEN EXISTS { (c)-[:IN]->() } THEN 1 END) AS viaIn, "
        "count(CASE WHEN COUNT { (c)-[:REPORTED_IN]->(:Grid) } = 1 THEN 1 END) AS reportedIn"
    )
    return row


def make_old(graph: Graph) -> None:
    """The graph as a version before REPORTED_IN left it."""
    graph.cypher("MATCH (c:Case)-[r:REPORTED_IN]->(g) CREATE (c)-[:IN]->(g) DELETE r")
    graph.cypher("MATCH (m:Migration {name: $name}) DELETE m", name=migrations.CASE_GRIDS_MIGRATION)
    graph.cypher("MATCH (m:GovgraphSchema) SET m.version = 'older'")


class Killed(Exception):
    pass


def test_an_old_graph_is_moved_in_batches_resumed_after_a_kill_and_answers_the_same(
    graph: Graph,
    serve: Callable[..., AbstractContextManager[Api]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with serve(max_cost=10**18) as api:
        report(api, title="迁移前上报", reportedBy=REPORTER)  # one by reportCase, too
        before = answers(api)
    cases = links(graph)["cases"]
    assert links(graph) == {"cases": cases, "viaIn": 0, "reportedIn": cases}

    make_old(graph)
    assert links(graph) == {"cases": cases, "viaIn": cases, "reportedIn": 0}
    # A start killed after its first batch: what it moved stays moved, nothing recorded.
    monkeypatch.setattr(migrations, "MOVE_BATCH", 5)
    heard: list[tuple[str, int, int]] = []

    def progress(step: str, done: int, total: int) -> None:
        heard.append((step, done, total))
        if done:
            raise Killed

    with pytest.raises(Killed):
        graph.run(lambda db: migrations.move_case_grids(db, progress))
    assert heard == [(heard[0][0], 0, cases), (heard[0][0], 5, cases)]
    assert links(graph) == {"cases": cases, "viaIn": cases - 5, "reportedIn": 5}
    assert not graph.cypher(
        "MATCH (m:Migration {name: $name}) RETURN m", name=migrations.CASE_GRIDS_MIGRATION
    )

    # The next start (here the command that runs what a start runs) moves the rest.
    done = govgraph(graph, "migrate")
    assert done.returncode == 0, done.stderr
    assert "Migrated." in done.stdout
    assert links(graph) == {"cases": cases, "viaIn": 0, "reportedIn": cases}
    (marker,) = graph.cypher(
        "MATCH (m:Migration {name: $name}) RETURN m.cases AS cases",
        name=migrations.CASE_GRIDS_MIGRATION,
    )
    assert marker == {"cases": cases - 5}
    assert graph.run(lambda db: migrations.move_case_grids(db)) == 0  # nothing left
    assert govgraph(graph, "audit", "coverage").returncode == 0  # cases counted by grid
    for planner in (True, False):
        with serve(max_cost=10**18, planner=planner) as api:
            assert answers(api) == before


def test_an_import_into_an_old_graph_moves_every_case_and_keeps_those_it_replaces(
    graph: Graph, api: Api
) -> None:
    """A --replace keeps the cases that the dataset does not hold (one reported through the
    API) and links them, as the dataset's, by REPORTED_IN alone."""
    reported = report(api, title="导入前上报", reportedBy=REPORTER)["caseNo"]
    make_old(graph)
    graph.run(lambda db: import_dataset(db, DEMO, pii_keys=TEST_PII_KEYS, replace=True))
    cases = links(graph)["cases"]
    assert links(graph) == {"cases": cases, "viaIn": 0, "reportedIn": cases}
    kept = api.data(f'{{ case(caseNo: "{reported}") {{ grid {{ code }} }} }}')
    assert kept == {"case": {"grid": {"code": GRID}}}
