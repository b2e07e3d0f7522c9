"""`govgraph import --bulk`: the offline importer gives the online import's graph.

The bulk import stops and restarts its server, so this module runs its own local
instance and never touches the shared test database.
"""

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from graph.core.db import NOT_BOOKKEEPING
from graph.importing import bulk
from graph.importing.bulk import NOT_EMPTY, BulkImportFailed, NotEmpty, bulk_import
from graph.importing.bulk_files import AdminInput, Apart
from graph.importing.online import ImportRejected, import_dataset
from graph.store import local_server
from tests.support import DEMO, TEST_PII_KEYS, Graph, open_seals

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("NEO4J_URI")), reason="--bulk needs the local server"
)

# Beside the suite's own instance (conftest.py), so that suites on other ports never share it.
BULK_PORT = int(os.environ.get("GOVGRAPH_TEST_BOLT_PORT", "7688")) + 4
INSTANCE = local_server.Instance(
    name=f"bulk-test-{BULK_PORT}", bolt_port=BULK_PORT, heap="1g", page_cache="512m"
)
GOVGRAPH = Path(sys.executable).with_name("govgraph")


@pytest.fixture(scope="module")
def bulk_graph() -> Iterator[Graph]:
    started = local_server.start(INSTANCE)
    yield Graph(INSTANCE.uri)
    if started:
        local_server.stop(INSTANCE)


@pytest.fixture
def empty(bulk_graph: Graph) -> Graph:
    bulk_graph.clear()
    return bulk_graph


def dump(graph: Graph) -> list[str]:
    """Every node with its labels and properties, every relationship with its type,
    properties and ends; values tagged with their type, so a date is no string; sealed
    phones opened (they differ by nonce)."""
    nodes = graph.cypher(
        f"MATCH (n) WHERE {NOT_BOOKKEEPING} RETURN labels(n) AS labels, properties(n) AS props"
    )
    links = graph.cypher(
        "MATCH (a)-[r]->(b) RETURN labels(a) AS aLabels, properties(a) AS a, type(r) AS type, "
        "properties(r) AS props, labels(b) AS bLabels, properties(b) AS b"
    )
    return sorted(
        json.dumps(row, sort_keys=True, default=_tagged, ensure_ascii=False)
        for row in open_seals(nodes + links)
    )


def _tagged(value: Any) -> str:
    if isinstance(value, date | datetime):
        return f"{type(value).__name__}:{value.isoformat()}"
    raise TypeError(type(value))


def schema(graph: Graph) -> list[tuple[str, ...]]:
    rows = graph.cypher(
        "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint "
        "WHERE type <> 'LOOKUP' RETURN name, type, labelsOrTypes, properties, owningConstraint"
    )
    return sorted(tuple(json.dumps(value) for value in row.values()) for row in rows)


def online(graph: Graph, folder: Path) -> Any:
    return graph.run(lambda db: import_dataset(db, folder, pii_keys=TEST_PII_KEYS, replace=True))


def test_the_demo_gives_the_graph_of_the_online_import(empty: Graph) -> None:
    online_report = online(empty, DEMO)
    online_graph, online_schema = dump(empty), schema(empty)
    empty.clear()

    seen: list[tuple[str, int, int]] = []
    report = bulk_import(INSTANCE, DEMO, TEST_PII_KEYS, progress=lambda *step: seen.append(step))

    assert report == online_report
    assert dump(empty) == online_graph
    assert schema(empty) == online_schema
    assert ("people.csv", report.counts["people.csv"], report.counts["people.csv"]) in seen
    assert ("neo4j-admin import", 1, 1) in seen
    # The coverage kept came with the store (graph/kept/tally.py): none rebuilt at start.
    assert not [step for step in seen if step[0] in ("grids", "people")]
    assert local_server.answers(INSTANCE)  # running again, as before


def store_created(graph: Graph) -> Any:
    """When the served store was made: neo4j-admin makes a new one, a swap changes it."""
    return graph.cypher("CALL db.info() YIELD creationDate RETURN creationDate")[0]


def test_a_failing_importer_leaves_the_previous_store_serving(
    empty: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = store_created(empty)
    real = bulk._run_admin_import

    def damaged(instance: local_server.Instance, admin_input: AdminInput) -> None:
        """The importer's input damaged on disk: a region twice, which it refuses."""
        regions = admin_input.folder / "nodes-Region.csv"
        second_line = regions.read_text(encoding="utf-8").splitlines()[1]
        with regions.open("a", encoding="utf-8") as stream:
            stream.write(second_line + "\n")
        real(instance, admin_input)

    monkeypatch.setattr(bulk, "_run_admin_import", damaged)
    with pytest.raises(BulkImportFailed, match="neo4j-admin could not import the dataset"):
        bulk_import(INSTANCE, DEMO, TEST_PII_KEYS)

    assert local_server.answers(INSTANCE)  # running again, on the store it had
    assert store_created(empty) == before
    assert empty.cypher("MATCH (n) RETURN count(n) AS nodes") == [{"nodes": 0}]
    stores = {folder.name for folder in (INSTANCE.home / "data" / "databases").iterdir()}
    assert bulk.NEW_STORE not in stores and bulk.PREVIOUS_STORE not in stores
    monkeypatch.undo()

    bulk_import(INSTANCE, DEMO, TEST_PII_KEYS)
    assert store_created(empty) != before  # the new store swapped in
    stores = {folder.name for folder in (INSTANCE.home / "data" / "databases").iterdir()}
    assert bulk.NEW_STORE not in stores and bulk.PREVIOUS_STORE not in stores


def test_quotes_commas_and_line_breaks_survive(empty: Graph, tmp_path: Path) -> None:
    folder = tmp_path / "tricky"
    shutil.copytree(DEMO, folder)
    with (folder / "buildings.csv").open("a", encoding="utf-8") as buildings:
        buildings.write('B-NEW,420602001001-G01,"新楼 ""北"", 1栋","第一行\n第二行"\n')
    online(empty, folder)
    online_graph = dump(empty)
    empty.clear()

    bulk_import(INSTANCE, folder, TEST_PII_KEYS)

    assert dump(empty) == online_graph
    found = empty.cypher("MATCH (b:Building {code: 'B-NEW'}) RETURN b.name AS name, b.address AS a")
    assert found == [{"name": '新楼 "北", 1栋', "a": "第一行\n第二行"}]


def test_a_dataset_with_an_error_lists_the_online_errors_and_writes_nothing(
    empty: Graph, tmp_path: Path
) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(DEMO, folder)
    with (folder / "buildings.csv").open("a", encoding="utf-8") as buildings:
        buildings.write("B-NEW,NO-SUCH-GRID,新楼,\n")
    with pytest.raises(ImportRejected) as caught_online:
        online(empty, folder)

    with pytest.raises(ImportRejected) as caught:
        bulk_import(INSTANCE, folder, TEST_PII_KEYS)

    line = sum(1 for _ in (folder / "buildings.csv").open(encoding="utf-8"))
    assert caught.value.errors == caught_online.value.errors
    assert caught.value.errors == [
        f"buildings.csv:{line}: column grid_code: no grid NO-SUCH-GRID in grids.csv"
    ]
    assert empty.cypher("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_a_refused_dataset_stops_the_conversion_begun_beside_the_checks(
    empty: Graph, tmp_path: Path
) -> None:
    """people.csv's second process starts with the checks. Here it is still alive when they
    refuse: its people's households, more than a pipe holds, wait to be handed over. The
    refusal stops it and removes what it wrote."""
    folder = tmp_path / "bad"
    shutil.copytree(DEMO, folder)
    with (folder / "people.csv").open("a", encoding="utf-8") as people:
        people.writelines(f"P-X{n},某{n},H-NONE-{n},,,,\n" for n in range(5000))

    with pytest.raises(ImportRejected) as caught:
        bulk_import(INSTANCE, folder, TEST_PII_KEYS)

    assert "no household H-NONE-0 in households.csv" in caught.value.errors[0]
    assert multiprocessing.active_children() == []
    assert list(INSTANCE.home.glob("bulk-import-*")) == []
    assert empty.cypher("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_a_database_that_is_not_empty_is_refused(empty: Graph) -> None:
    empty.cypher("CREATE (:Region {code: 'X1', name: 'kept', level: 'CITY'})")

    with pytest.raises(NotEmpty) as caught:
        bulk_import(INSTANCE, DEMO, TEST_PII_KEYS)

    assert caught.value.message == NOT_EMPTY
    assert "\n" not in NOT_EMPTY
    assert empty.cypher("MATCH (n) RETURN n.name AS name") == [{"name": "kept"}]


def test_the_command_needs_the_local_server() -> None:
    env = {**os.environ, "NEO4J_URI": "bolt://127.0.0.1:1", "COLUMNS": "200"}
    done = subprocess.run(
        [str(GOVGRAPH), "import", str(DEMO), "--bulk"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert "--bulk needs the local server" in done.stderr


def test_what_stops_the_second_process_of_the_conversion_is_raised_in_the_first(
    tmp_path: Path,
) -> None:
    """people.csv is converted by a second process (bulk_files.APART): a failure there
    (here, no folder to write into) fails the import with its own error."""
    (tmp_path / "people.csv").write_text("id,name,household_id\nP1,甲,H1\n", encoding="utf-8")
    missing = tmp_path / "missing"
    with (
        pytest.raises(FileNotFoundError),
        Apart(tmp_path, TEST_PII_KEYS, folder=missing) as apart,
    ):
        apart.total = 1
        apart.written(lambda *step: None)
