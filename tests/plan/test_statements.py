"""What the planner makes of a query, before any database: one statement per root field,
every page ordered and limited inside the statement, `totalCount` only when selected,
and no value of the request in the Cypher text (DESIGN §1: every statement
parameterised)."""

from typing import Any

from graphql import parse

from graph.core.db import Database
from graph.plan import Plan
from graph.security.principal import UNRESTRICTED
from resolvers.context import Context
from resolvers.plan import plan_operation
from schema import schema

WALK = """query($code: String!) { region(code: $code) { name
  grids(first: 10) { nodes { code buildings(first: 20) { nodes { code
    households(first: 30, after: "WyJIMDAwMSJd") { nodes { id members { name } } } } } } } } }"""


def plans(query: str, variables: dict[str, Any] | None = None) -> dict[str, Plan]:
    context = Context(Database(None, "neo4j", 30), principal=UNRESTRICTED)  # type: ignore[arg-type]
    operation = plan_operation(
        schema._schema, parse(query), None, raw_variables=variables, ctx=context
    )
    assert operation is not None
    return {each.key: each.plan for each in operation.planned}


def test_a_walk_is_one_statement_with_every_page_limited_inside_it() -> None:
    (walk,) = plans(WALK, {"code": "420602001001"}).values()
    cypher, params = walk.statement.cypher, walk.statement.params
    assert cypher.count(" LIMIT $") == 3  # grids, buildings, households: first + 1 each
    assert cypher.count(" ORDER BY ") == 4  # and the members' list
    assert sorted(value for value in params.values() if isinstance(value, int)) == [
        10,
        11,
        20,
        21,
        30,
        31,
    ]
    assert "H0001" in params.values()  # the cursor's key, decoded
    assert "count(n)" not in cypher
    for value in ("420602001001", "H0001"):
        assert value not in cypher


def test_total_count_is_counted_in_the_same_statement_only_when_selected() -> None:
    query = '{ a: region(code: "420600") { grids { nodes { code } } } '
    query += 'b: region(code: "420600") { grids { totalCount } } }'
    found = plans(query)
    assert "count(n)" not in found["a"].statement.cypher
    assert found["b"].statement.cypher.count("count(n)") == 1
    # Counted only: no page is walked, ordered or limited for it.
    assert " LIMIT $" not in found["b"].statement.cypher
    assert " ORDER BY " not in found["b"].statement.cypher


def test_what_needs_python_leaves_its_root_field_to_the_resolvers() -> None:
    query = """{ person(id: "P0001") { contactPhone(purpose: "通知停水检修") }
      case(caseNo: "XY-2026-0006") { historyIntact } grid(code: "x") { name }
      stats { people } }"""
    # historyIntact is made after the statement, from the events it reads.
    assert list(plans(query)) == ["case", "grid"]


def test_arguments_the_resolvers_refuse_leave_the_field_to_them() -> None:
    assert plans('{ region(code: "420600") { grids(first: -1) { totalCount } } }') == {}
    assert plans('{ partyMembers(within: "420600", after: "nonsense") { totalCount } }') == {}
