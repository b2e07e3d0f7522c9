"""An import too large for Neo4j's memory fails alone, and the server stays up (#15).

A Neo4j of its own (port GOVGRAPH_TEST_BOLT_PORT + 3) whose transactions together may hold
only a few MiB, as the heap would be to a city: a first import loads batch by batch and
fits; a `--replace` of the whole city, one transaction, does not. It is refused with a
message that says what to do, the graph is as it was, the server answers, the run is kept.
"""

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.importing import runs
from graph.importing.online import TooLarge, import_dataset
from graph.store import local_server
from graph.store.local_server import Instance
from tests.support import TEST_PII_KEYS, Graph, govgraph

PORT = int(os.environ.get("GOVGRAPH_TEST_BOLT_PORT", "7688")) + 3
NAMES = "MATCH (p:Person) RETURN p.name AS name ORDER BY p.id"


@pytest.fixture(scope="module")
def small() -> Iterator[Graph]:
    instance = Instance(
        name=f"memory-{PORT}",
        bolt_port=PORT,
        heap="1g",
        page_cache="128m",
        transaction_memory="24m",
    )
    local_server.stop(instance)  # left running by an interrupted run
    shutil.rmtree(instance.home / "data", ignore_errors=True)
    local_server.start(instance)
    graph = Graph(instance.uri)
    graph.migrate()
    yield graph
    local_server.stop(instance)


def test_a_switch_too_large_for_the_memory_fails_alone(small: Graph, tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    done = govgraph(small, "generate", "--out", str(old), "--scale", "0.001", "--seed", "3")
    assert done.returncode == 0, done.stderr
    shutil.copytree(old, new)
    with (old / "people.csv").open(encoding="utf-8", newline="") as stream:
        people = list(csv.DictReader(stream))
    with (new / "people.csv").open("w", encoding="utf-8", newline="") as stream:
        renamed = csv.DictWriter(stream, fieldnames=list(people[0]))
        renamed.writeheader()
        renamed.writerows({**person, "name": person["name"] + "新"} for person in people)

    small.run(lambda db: import_dataset(db, old, pii_keys=TEST_PII_KEYS, batch=200))
    before = small.cypher(NAMES)
    assert len(before) > 4000

    with pytest.raises(TooLarge, match="has not the memory to switch this import in") as refused:
        small.run(lambda db: import_dataset(db, new, pii_keys=TEST_PII_KEYS, replace=True))
    assert "GOVGRAPH_NEO4J_HEAP" in str(refused.value)
    assert small.cypher(NAMES) == before  # rolled back, and the server still answers
    run = small.run(runs.unfinished)
    assert run is not None and run.staged and not run.loading
    assert small.run(runs.abandon) is not None
    assert small.cypher(NAMES) == before
