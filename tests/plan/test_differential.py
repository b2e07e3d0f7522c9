"""The definition of correct for the read planner (issue #11): every query sent through
it and through today's resolvers alone gets the same JSON, data and errors in order, to
the byte; and each root field the planner takes costs exactly one statement.

Queries: the README's examples, the bench's questions, and queries generated from the
schema (hypothesis-graphql) with the demo's keys, valid cursors, random `first`, `after`
and `asOf`, aliases, inline fragments and @include/@skip, as ADMIN and as scoped readers
of every role. GOVGRAPH_PLAN_EXAMPLES sets how many per reader (40 by default).
"""

import json
import os
from collections.abc import Iterator
from datetime import date

import pytest
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    InlineFragmentNode,
    NameNode,
    SelectionSetNode,
    parse,
    print_ast,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries

from bench.operations import PICKS, operations, pick_params, picks_from
from graph.plan import ROOTS
from graph.security.principal import AccessRole, Principal
from resolvers.paging import encode_cursor
from schema import schema
from tests.api.test_fuzzing import DAYS, KEYS, TEXT, keys
from tests.plan.support import Paths, reader, readme_queries
from tests.support import Graph

EXAMPLES = int(os.environ.get("GOVGRAPH_PLAN_EXAMPLES", "40"))
MINE = "420602001001-G01"

READERS = {
    "admin": None,
    "viewer": reader(AccessRole.VIEWER, "420602001001"),
    "planner": reader(AccessRole.PLANNER, "420602"),
    "auditor": reader(AccessRole.AUDITOR, "420602001001"),
    "grid worker": reader(AccessRole.GRID_WORKER, MINE),
    "case handler": reader(AccessRole.CASE_HANDLER, "420602001001", MINE),
    "admin of a county": reader(AccessRole.ADMIN, "420624"),
}
# Besides ADMIN, for the examples (the generated queries take every reader).
FEW_READERS = ("grid worker", "planner", "admin of a county")
# The README's examples (by their first root field) and the bench's questions that the
# planner must take whole; the others select what it leaves to the resolvers (coverage,
# stats, accessLog).
README_COMPILED = {
    "region",
    "partyOrganization",
    "case",
    "caseStats",
    "household",
    "organisations",
    "person",
}
COMPILED_BENCH = {"walk", "covered", "timeline", "cases", "caseStats", "chain", "card", "grid"}


@pytest.fixture(scope="module")
def paths(demo: Graph) -> Iterator[Paths]:
    paths = Paths(demo)
    yield paths
    paths.close()


def roots_of(query: str) -> list[str]:
    (operation,) = parse(query).definitions
    return [selection.name.value for selection in operation.selection_set.selections]  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", list(readme_queries()), ids=lambda q: q.split("(")[0][2:])
def test_readme_examples(paths: Paths, query: str) -> None:
    answer = paths.both(query)
    roots = roots_of(query)
    if roots[0] in README_COMPILED:
        assert answer.plan == "compiled"
    if answer.plan == "compiled":
        assert answer.statements == len(roots)
    for name in FEW_READERS:
        paths.both(query, reader=READERS[name])


@pytest.mark.parametrize("operation", operations(), ids=lambda operation: operation.name)
def test_bench_questions(demo: Graph, paths: Paths, operation) -> None:
    as_of = date(2026, 11, 30)
    (row,) = demo.run(lambda db: db.read(PICKS, pick_params(as_of)))
    variables = operation.ours.variables(picks_from(row, as_of))
    answer = paths.both(operation.ours.query, variables)
    if operation.name in COMPILED_BENCH:
        assert answer.plan == "compiled"
        assert answer.statements == 1
    for name in FEW_READERS:
        paths.both(operation.ours.query, variables, READERS[name])


def test_errors_come_in_the_order_of_the_answer(paths: Paths) -> None:
    """graphql-core lists errors as resolvers finish, and the planner answers its root
    fields first: either way the refused grid, asked second and refused before any
    statement, came before the phones of the household asked first."""
    query = (
        '{ home: household(id: "H0070") { members { contactPhone(purpose: "a call") } } '
        'grid(code: "") { code } }'
    )
    phones = [["home", "members", index, "contactPhone"] for index in range(3)]
    for planner in (True, False):
        answer = paths.ask(query, reader=READERS["admin of a county"], planner=planner)
        errors = json.loads(answer.body)["errors"]
        assert [error["path"] for error in errors] == [*phones, ["grid"]]
        assert answer.plan == ("mixed" if planner else "resolvers")


# Scoped readers on purpose-made walks: from a region above the scope down, to things
# outside it, through links that reach past it.
SCOPED = [
    '{ region(code: "420602001001") { name grids { totalCount nodes { code } } } }',
    '{ grid(code: "420602001001-G01") { region { name parent { name parent { code } } } '
    "buildings { nodes { households { totalCount nodes { id members { name } } } } } } }",
    '{ grid(code: "420602001001-G02") { name } }',
    '{ grid(code: "420602001001-G99") { name } }',
    '{ person(id: "P0262") { name household { id building { grid { code } } } '
    "partyMemberships(history: true) { kind organization { name } } "
    "assignments(history: true) { role targetGrid { code } targetHousehold { id } } "
    "coveredHouseholds { totalCount } } }",
    '{ person(id: "P0054") { name } }',
    '{ partyOrganization(id: "PO-420602001001") { name children { name children { name '
    "members { totalCount nodes { id } } } } assignments { role } } }",
    '{ partyMembers(within: "420602001001", first: 3) { totalCount edges { cursor node { id } } '
    "pageInfo { hasNextPage endCursor } } }",
    '{ partyMembers(within: "420602001002") { totalCount } }',
    '{ case(caseNo: "XY-2026-0002") { title grid { code } reportedBy { name } '
    "events { seq actor { name } center { name region { name } } } } }",
    '{ building(code: "420602001001-G01-B01") { covered leaders { name } partyGroups { name } '
    "households(first: 2) { nodes { covered coveredBy { name } } } } }",
]
# The rest of the network (issue #12): visits, ratings, organisations, stations; as ADMIN
# each root field is compiled, one statement.
NETWORK = [
    '{ household(id: "H0003") { visits { id at purpose outcome visitor { name } '
    "branch { name } household { id } } } }",
    '{ person(id: "P0156") { visits(from: "2026-03-01", to: "2026-03-31", first: 2) '
    "{ totalCount edges { cursor node { id household { door } } } pageInfo { hasNextPage } } "
    "volunteering(history: true) { since until organisation { name kind } person { id } } } }",
    '{ partyOrganization(id: "PO-420602001001-G01") { visits { totalCount nodes { id } } } }',
    '{ case(caseNo: "XY-2026-0001") { evaluations { id at rating comment round '
    "household { id } } } }",
    '{ region(code: "420602001001") { stations { id services targetGroups grid { code } } '
    "organisations { id kind center { name } grid { code } volunteers(first: 3) "
    "{ totalCount nodes { id } } } partyOrganizations { id } centers { stationed { name } } } }",
    '{ grid(code: "420602001001-G01") { organisations { id region { code } } '
    "dualReportUnits(history: true) { id since holderOrganization { name } } } }",
    '{ visits(within: "420602001001", from: "2026-01-01", first: 3) { totalCount '
    "edges { cursor node { id visitor { id } } } pageInfo { hasNextPage endCursor } } }",
    '{ unvisitedHouseholds(within: "420602001001", days: 30, asOf: "2026-03-15", first: 4) '
    "{ totalCount nodes { id door } } }",
    '{ stations(within: "420602", kind: RED_STATION) { totalCount nodes { id region { code } } } '
    'organisations(within: "420600", first: 5) { totalCount nodes { id name } } '
    'organisation(id: "O001") { name volunteers(asOf: "2024-01-01") { nodes { id } } } }',
    '{ partyMembers(within: "420602001001", kind: DUAL_REPORT) { totalCount nodes { id } } }',
    # What a member did at home (双报到): a map the walk projects, not a node.
    '{ person(id: "P0156") { servicesAtHome(from: "2026-03-01", to: "2026-06-30") { visits '
    "mediations supervisedProjects community { code name } } all: servicesAtHome { visits } } "
    'partyMembers(within: "420602001001", first: 5) { nodes { id '
    'servicesAtHome(to: "2026-12-31") { visits mediations community { code } } } } }',
    # Joint creation: projects, their history and ratings, meetings and what they raised.
    '{ project(id: "J001") { id title kind origin state materials moneyYuan labourDays '
    "proposedAt lastSeq grid { code } sourceCase { caseNo } sourceMeeting { id title } "
    "supervisors { id } events { seq at fromState toState note actor { id } } "
    "evaluations { id rating round household { id } } } }",
    '{ projects(within: "420600", first: 3) { totalCount edges { cursor node { id state } } '
    'pageInfo { hasNextPage endCursor } } grid(code: "420602001001-G01") { projects { id } '
    'meetings(from: "2026-01-01") { id at building { code } attendees { id } organisations '
    "{ id } partyOrganizations { id } matters { seq kind text case { caseNo } "
    "project { id } } } } }",
    '{ meetings(within: "420600", to: "2026-12-31") { totalCount nodes { id kind grid { code } } } '
    'projects(within: "420602", state: EVALUATED) { nodes { id } } '
    'case(caseNo: "XY-2026-0002") { project { id sourceCase { caseNo } } } }',
]
SCOPED += NETWORK


@pytest.mark.parametrize("query", NETWORK, ids=lambda q: q.split("(")[0][2:])
def test_the_network_is_compiled(paths: Paths, query: str) -> None:
    answer = paths.both(query)
    assert (answer.plan, answer.statements) == ("compiled", len(roots_of(query)))
    assert '"errors": []' in answer.body and "null" not in answer.body.split('"data"')[1][:8]


@pytest.mark.parametrize("name", list(READERS))
def test_scoped_readers(paths: Paths, name: str) -> None:
    principal = READERS[name]
    for query in SCOPED:
        if principal is None:
            paths.both(query)
        else:
            paths.both(query, reader=principal)


# ------------------------------------------------------------------ generated queries

# Valid cursors of the demo's keys, beside the fuzz's own strings.
CURSORS = st.sampled_from([key for name in ("regions", "grids", "buildings", "households",
                                            "people") for key in keys(name)]).map(encode_cursor)  # fmt: skip
SCALARS = {
    "ID": KEYS.map(nodes.String),
    "String": (KEYS | CURSORS | TEXT).map(nodes.String),
    "Int": st.integers(-1, 12).map(nodes.Int),
    "Date": DAYS.map(nodes.String),
    "DateTime": DAYS.map(lambda day: f"{day}T00:00:00+08:00").map(nodes.String),
}
DOCUMENTS = queries(
    schema._schema,
    fields=sorted(ROOTS),
    custom_scalars=SCALARS,
    print_ast=lambda document: document,
    allow_null=False,
)


@st.composite
def reshaped(draw: st.DrawFn) -> str:
    """A generated document with aliases, inline fragments and @include/@skip drawn in."""
    document: DocumentNode = draw(DOCUMENTS)
    names = iter(range(1_000_000))

    def selections(selection_set: SelectionSetNode | None) -> SelectionSetNode | None:
        if selection_set is None:
            return None
        out = []
        for selection in selection_set.selections:
            assert isinstance(selection, FieldNode)
            alias = NameNode(value=f"a{next(names)}") if draw(st.booleans()) else selection.alias
            field = FieldNode(
                alias=alias,
                name=selection.name,
                arguments=selection.arguments,
                directives=(),
                selection_set=selections(selection.selection_set),
            )
            match draw(st.integers(0, 5)):
                case 0:
                    out.append(
                        InlineFragmentNode(selection_set=SelectionSetNode(selections=(field,)))
                    )
                case 1:
                    skip = draw(st.booleans())
                    directive = DirectiveNode(
                        name=NameNode(value="skip" if skip else "include"),
                        arguments=(
                            ArgumentNode(
                                name=NameNode(value="if"),
                                value=BooleanValueNode(value=draw(st.booleans())),
                            ),
                        ),
                    )
                    out.append(
                        FieldNode(
                            alias=field.alias,
                            name=field.name,
                            arguments=field.arguments,
                            directives=(directive,),
                            selection_set=field.selection_set,
                        )
                    )
                case _:
                    out.append(field)
        return SelectionSetNode(selections=tuple(out))

    (operation,) = document.definitions
    reshaped = operation.__class__(
        operation=operation.operation,  # type: ignore[attr-defined]
        selection_set=selections(operation.selection_set),  # type: ignore[attr-defined]
    )
    return print_ast(DocumentNode(definitions=(reshaped,)))


GENERATED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", list(READERS))
def test_generated_queries(paths: Paths, name: str) -> None:
    principal: Principal | None = READERS[name]

    @GENERATED
    @given(query=reshaped())
    def same(query: str) -> None:
        if principal is None:
            paths.both(query)
        else:
            paths.both(query, reader=principal)

    same()
