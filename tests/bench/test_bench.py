"""The benchmark's questions (bench/operations.py): govgraph's form and the hand-written
floor give the same answer on the demo data. (`make bench` checks the @neo4j/graphql form
too, before it times anything; that needs Node.) No timing here."""

import json
from datetime import date
from pathlib import Path

import pytest

from bench import operations, prepare
from tests.support import Api, Graph


@pytest.fixture(scope="module")
def picks(demo: Graph) -> operations.Picks:
    as_of = date(2026, 11, 30)  # the demo's "today"
    (row,) = demo.cypher(operations.PICKS, **operations.pick_params(as_of))
    (longest,) = demo.cypher(
        "MATCH (c:Case) RETURN c.caseNo AS caseNo ORDER BY c.lastSeq DESC, c.caseNo LIMIT 1"
    )
    # The demo is too small for some of the picks a generated city gives.
    row = {**row, "community": "420602001001", "caseNo": row["caseNo"] or longest["caseNo"]}
    return operations.picks_from(row, as_of)


@pytest.mark.parametrize("operation", operations.operations(), ids=lambda op: op.name)
def test_govgraph_and_the_floor_agree(
    operation: operations.Operation, picks: operations.Picks, demo: Graph, api: Api
) -> None:
    ours = operation.ours.answer(api.data(operation.ours.query, operation.ours.variables(picks)))
    floor = operation.floor.answer(
        demo.cypher(operation.floor.statement, **operation.floor.params(picks))
    )
    assert ours == floor
    assert ours  # a real answer, not an empty one


def test_a_city_cached_by_another_generator_is_generated_again(tmp_path: Path) -> None:
    """A cached city made by an older generator (which today's checks may refuse) is not
    imported: `make bench` generates it again, and then imports it again."""
    city, folder = prepare.City(0.0005, 1), tmp_path / "city"
    prepare.ensure_dataset(city, folder)
    fresh = (folder / "people.csv").read_text(encoding="utf-8")
    assert prepare.ensure_dataset(city, folder) == folder  # cached: kept as it is
    (folder / "people.csv").write_text("id,name\n", encoding="utf-8")
    (folder / prepare.COMPLETE).write_text(json.dumps({"scale": 0.0005, "seed": 1}))
    prepare.ensure_dataset(city, folder)
    assert (folder / "people.csv").read_text(encoding="utf-8") == fresh
