"""`govgraph serve --workers 2`: two processes behind one port, the migrations run by one of
them, concurrent mutations and reads all answered, the metrics of both added up."""

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support import GOVGRAPH, TEST_PII_SETTINGS, Graph

REPORT = """mutation($title: String!) { reportCase(input: { title: $title, category: HAZARD,
    gridCode: "420602001001-G02", reportedBy: "P0055" }) { caseNo } }"""
READ = '{ region(code: "420602001001") { name grids { totalCount } } }'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(graph: Graph) -> dict[str, str]:
    keys = {f"GOVGRAPH_{name.upper()}": value for name, value in TEST_PII_SETTINGS.items()}
    return {**os.environ, "NEO4J_URI": graph.uri, "GOVGRAPH_AUTH": "off", **keys}


def children(pid: int) -> list[int]:
    """The worker processes of `pid` (not multiprocessing's resource tracker)."""
    listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in listed
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


@pytest.fixture
def two_workers(demo: Graph, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    # The graph as an older version left it: one start must migrate, the other wait.
    demo.cypher("MATCH (m:GovgraphSchema) SET m.version = 'older'")
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(GOVGRAPH), "serve", "--workers", "2", "--port", str(port)],
            env=environment(demo),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                if (
                    httpx.get(f"{base}/readyz").status_code == 200
                    and len(children(server.pid)) >= 2
                ):
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        yield base, server, log
    finally:
        server.terminate()
        server.wait(timeout=30)
        demo.migrate()


def test_two_workers_answer_concurrent_mutations_and_reads(
    demo: Graph, two_workers: tuple[str, subprocess.Popen, Path]
) -> None:
    base, server, log = two_workers
    workers = children(server.pid)
    assert len(workers) == 2

    def report(n: int) -> str:
        body = {"query": REPORT, "variables": {"title": f"并发 {n}"}}
        answer = httpx.post(f"{base}/graphql", json=body, timeout=60).json()
        assert "errors" not in answer, answer
        return answer["data"]["reportCase"]["caseNo"]

    def read(_: int) -> int:
        answer = httpx.post(f"{base}/graphql", json={"query": READ}, timeout=60).json()
        assert "errors" not in answer, answer
        return answer["extensions"]["cypherStatements"]

    with ThreadPoolExecutor(16) as pool:
        reported = pool.map(report, range(40))
        reads = pool.map(read, range(40))
        case_numbers, statements = list(reported), list(reads)

    assert len(set(case_numbers)) == 40
    stored = demo.cypher("MATCH (c:Case) WHERE c.title STARTS WITH '并发' RETURN count(c) AS n")
    assert stored[0]["n"] == 40
    assert set(statements) == {statements[0]}

    # Both workers answered, and a scrape of either adds up the figures of both.
    scraped = httpx.get(f"{base}/metrics").text
    served = sum(
        float(line.rpartition(" ")[2])
        for line in scraped.splitlines()
        if line.startswith("govgraph_requests_total{") and 'type="' in line
    )
    assert served >= 80
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {line["pid"] for line in lines if line["message"] == "request"} == set(workers)
    # One start migrated the graph; the other found it done.
    assert sum(line["message"].startswith("Migrated the graph") for line in lines) == 1


def test_auth_off_is_refused_off_loopback_with_workers(demo: Graph) -> None:
    refused = subprocess.run(
        [str(GOVGRAPH), "serve", "--workers", "2", "--host", "0.0.0.0", "--port", "1"],
        env=environment(demo),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1
    assert "allowed only on loopback" in refused.stderr
