"""`make bench`, whole but tiny: a city at scale 0.001 bulk-imported into a bench instance of
its own, both servers started, the three forms of every question checked to agree, then
each timed for about a second per cell, at concurrency 1 and 2 (`make bench`: 1 and 16).
It only asserts that all of that ran and agreed (speed is never asserted in tests); the
figures are BENCHMARKS.md's business.

The city is generated and imported once (`.bench/`, `.neo4j/bench-0.001`) and reused by
later runs. Its ports follow GOVGRAPH_TEST_BOLT_PORT, so that suites on other ports never
collide (nor with `make bench`'s own 7694/7696/7698 and 8101/8102)."""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from subprocess import PIPE

import pytest

from bench import operations, prepare
from bench.run import SYSTEMS
from graph.store import local_server

BASE = int(os.environ.get("GOVGRAPH_TEST_BOLT_PORT", "7688"))
BOLT, GOVGRAPH, PEER = BASE + 5, BASE + 7, BASE + 9
SCALE = 0.001
ROOT = Path(__file__).resolve().parents[2]
LIMIT = 1500  # seconds: far above a quiet machine's few minutes, for a crowded one

pytestmark = [
    pytest.mark.skipif(bool(os.environ.get("NEO4J_URI")), reason="the bench needs a local server"),
    pytest.mark.skipif(
        not (shutil.which("node") and shutil.which("npm")),
        reason="the bench's peer needs Node 20 and npm (apt-get install nodejs npm)",
    ),
]


def test_the_whole_bench_runs_and_its_three_forms_agree(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "BENCH_NEO4J_URI")}
    command = [
        sys.executable, "-m", "bench.run", "--scale", str(SCALE), "--bolt-port", str(BOLT),
        "--govgraph-port", str(GOVGRAPH), "--peer-port", str(PEER),
        "--seconds", "1", "--warmup", "1", "--min-requests", "1", "--concurrency", "1,2",
        "--results", str(tmp_path), "--label", "smoke",
    ]  # fmt: skip
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=PIPE, stderr=PIPE, text=True)
    try:
        out, err = run.communicate(timeout=LIMIT)
    except subprocess.TimeoutExpired:
        run.send_signal(signal.SIGINT)  # its `finally` stops the servers and Neo4j it started
        out, err = run.communicate(timeout=180)
        pytest.fail(f"the bench ran past {LIMIT} s:\n{out[-3000:]}{err[-3000:]}")
    assert run.returncode == 0, out[-6000:] + err[-4000:]

    results = json.loads((tmp_path / "smoke.json").read_text())
    names = [op.name for op in operations.operations(results["times"])]
    assert results["agreement"] == dict.fromkeys(names, True)
    assert results["times"], "APOC was installed: the DateTime fields are asked for too"
    cells = {(r["op"], r["system"], r["concurrency"]): r for r in results["rows"]}
    assert set(cells) == {(n, s, c) for n in names for s in SYSTEMS for c in (1, 2)}
    for key, row in cells.items():
        assert row["requests"] >= 1 and row["errors"] == 0, (key, row)
        # Both servers report the statements they ran; the floor is one by construction.
        assert row["statements"] == 1 if key[1] == "floor" else row["statements"] >= 1, key
    assert (tmp_path / "smoke.md").read_text().count("| govgraph |") == len(names)

    # It stopped what it started: its Neo4j and both servers.
    instance = prepare.instance_for(prepare.City(SCALE, 1), BOLT)
    assert local_server.running_pid(instance) is None
    for port in (BOLT, GOVGRAPH, PEER):
        assert not local_server.port_taken(port), port
