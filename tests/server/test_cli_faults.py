"""The command line when something is down or narrow: the local Neo4j stopped, a pipe."""

import os
import socket
import subprocess

import pytest

from tests.support import DEMO, GOVGRAPH, Api, Graph


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "command",
    [
        ["import", str(DEMO)],
        ["report", "coverage", "--within", "420602"],
        ["audit", "verify"],
        ["case", "show", "XY-2026-0007"],
    ],
)
def test_a_command_says_the_local_neo4j_is_not_running_and_how_to_start_it(
    command: list[str],
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "NEO4J_URI"}
    # The local server of a port nothing listens on; a long wait, which the command must
    # not spend on a server that is not there.
    env |= {"GOVGRAPH_NEO4J_PORT": str(free_port()), "GOVGRAPH_UNAVAILABLE_WAIT": "600"}
    done = subprocess.run(
        [str(GOVGRAPH), *command], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 1
    said = " ".join((done.stdout + done.stderr).split())
    assert "The local Neo4j is not running" in said
    assert "govgraph neo4j start" in said and "make run" in said
    assert "retried" not in said and "Traceback" not in said and "Couldn't connect" not in said


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("columns", ["80", "60"])
def test_a_report_in_a_narrow_pipe_never_cuts_codes_or_names(
    graph: Graph, api: Api, columns: str
) -> None:
    env = {**os.environ, "NEO4J_URI": graph.uri, "COLUMNS": columns}
    done = subprocess.run(
        [str(GOVGRAPH), "report", "coverage", "--within", "420602", "--as-of", "2026-11-30"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    report = api.data(
        '{ coverage(within: "420602", asOf: "2026-11-30") { within name children { within name } } }'
    )["coverage"]
    cells = [cell.strip() for line in done.stdout.splitlines() for cell in line.split("│")]
    for part in [report, *report["children"]]:
        assert part["within"] in cells and part["name"] in cells
    assert "too narrow for" in done.stdout
    households = subprocess.run(
        [str(GOVGRAPH), "report", "uncovered-households", "--within", "420600"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert households.returncode == 0 and "…" not in households.stdout
    assert "420602001001-G01-B03" in households.stdout
