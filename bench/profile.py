"""PROFILE what each system sends to Neo4j for each question: govgraph's statements
(recorded in-process), the Cypher @neo4j/graphql generates (logged by its server) and the
floor's statement; database hits, rows and time per statement.

    python -m bench.profile --neo4j-uri bolt://127.0.0.1:7696 --label 0.1 [--ops walk,cases]

Writes bench/results/profile-<label>.md.
"""

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import neo4j
from neo4j.time import Date, DateTime

from bench import operations, prepare, servers
from bench.operations import Operation, Picks

RESULTS = Path(__file__).parent / "results"
Statement = tuple[str, dict[str, Any]]


def govgraph_statements(uri: str, op: Operation, picks: Picks) -> list[Statement]:
    """The statements govgraph runs for the question, in order."""
    os.environ.update(NEO4J_URI=uri, GOVGRAPH_GRAPHIQL="false", GOVGRAPH_AUTH="off")
    from graph.core import db as graph_db
    from schema.telemetry import current_request
    from server.app import create_app

    recorded: list[Statement] = []
    read = graph_db.Database.read

    # With read's keywords (the planner passes `convert`): a wrapper refusing them made the
    # planner fail and the resolvers answer, so their statements were PROFILEd instead.
    async def recording(self: Any, cypher: str, params: Any = None, **options: Any) -> Any:
        # Only the request's: start-up's own reads (the search's warm-up) run meanwhile.
        if current_request.get() is not None:
            recorded.append((cypher, self.parameters(params)))  # with $scope and $me
        return await read(self, cypher, params, **options)

    async def ask() -> None:
        app = create_app()
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                body = {"query": op.ours.query, "variables": op.ours.variables(picks)}
                graph_db.Database.read = recording  # type: ignore[method-assign]
                try:
                    await client.post("/graphql", json=body)
                finally:
                    graph_db.Database.read = read  # type: ignore[method-assign]

    asyncio.run(ask())
    return recorded


def peer_statements(log: Path, server_url: str, op: Operation, *, picks: Picks) -> list[Statement]:
    """The statements the peer generated for the question (its server logs them)."""
    log.write_text("")
    body = {"query": op.peer.query, "variables": op.peer.variables(picks)}
    httpx.post(server_url, json=body, timeout=600).raise_for_status()
    found = []
    for line in log.read_text().splitlines():
        entry = json.loads(line)
        if "dbms.components" not in entry["query"]:
            query = entry["query"].removeprefix("CYPHER 5\n")
            params = json.loads(json.dumps(entry["parameters"]), object_hook=_temporal)
            found.append((query, params))
    return found


def _temporal(value: dict[str, Any]) -> Any:
    if set(value) == {"$temporal"}:
        text = value["$temporal"]
        return DateTime.from_iso_format(text) if "T" in text else Date.from_iso_format(text)
    return value


def profile(driver: neo4j.Driver, statement: Statement) -> dict[str, Any]:
    """Database hits and rows of the statement's plan, its busiest operators, and the median
    time of five runs."""
    cypher, params = statement
    summary = driver.execute_query(f"PROFILE {cypher}", params, database_="neo4j").summary
    operators: list[tuple[str, int, int]] = []

    def walk(plan: Any) -> None:
        args = plan.get("args", {}) if isinstance(plan, dict) else {}
        name = plan.get("operatorType", "?") if isinstance(plan, dict) else "?"
        operators.append((name, int(args.get("DbHits", plan.get("dbHits", 0))),
                          int(args.get("Rows", plan.get("rows", 0)))))  # fmt: skip
        for child in plan.get("children", []):
            walk(child)

    walk(summary.profile)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        driver.execute_query(cypher, params, database_="neo4j")
        times.append((time.perf_counter() - started) * 1000)
    busiest = sorted(operators, key=lambda o: -o[1])[:3]
    return {
        "db_hits": sum(o[1] for o in operators),
        "rows": operators[0][2] if operators else 0,
        "ms": statistics.median(times),
        "busiest": ", ".join(f"{name.split('@')[0]} {hits:,}" for name, hits, _ in busiest),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--neo4j-uri", required=True)
    parser.add_argument("--label", required=True, help="names the output, e.g. the scale")
    parser.add_argument("--ops")
    parser.add_argument("--peer-port", type=int, default=8112)
    args = parser.parse_args()
    times = prepare.has_apoc(args.neo4j_uri)
    ops = operations.operations(times)
    if args.ops:
        ops = tuple(op for op in ops if op.name in args.ops.split(","))
    driver = neo4j.GraphDatabase.driver(args.neo4j_uri, auth=None)
    as_of = operations.today()
    row = driver.execute_query(operations.PICKS, operations.pick_params(as_of), database_="neo4j")
    picks = operations.picks_from(row.records[0].data(), as_of)
    log = Path(tempfile.mkstemp(prefix="peer-cypher-", suffix=".jsonl")[1])
    os.environ["BENCH_CYPHER_LOG"] = str(log)
    peer = servers.start_peer(args.neo4j_uri, args.peer_port)
    lines = [f"## PROFILE at {args.label}", "", f"Picks: `{picks}`", ""]
    try:
        for op in ops:
            forms = {
                "govgraph": govgraph_statements(args.neo4j_uri, op, picks),
                "neo4j-graphql": peer_statements(log, peer.url, op, picks=picks),
                "floor": [(op.floor.statement, op.floor.params(picks))],
            }
            lines += [f"### {op.name}: {op.title}", "",
                      "| system | statement | db hits | rows | ms (median of 5) | busiest |",
                      "|---|--:|--:|--:|--:|---|"]  # fmt: skip
            for system, statements in forms.items():
                for number, statement in enumerate(statements, start=1):
                    found = profile(driver, statement)
                    lines.append(
                        f"| {system} | {number} | {found['db_hits']:,} | {found['rows']:,} | "
                        f"{found['ms']:.1f} | {found['busiest']} |"
                    )
                    print(system, op.name, number, found, flush=True)
            lines.append("")
    finally:
        peer.stop()
        driver.close()
        log.unlink(missing_ok=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"profile-{args.label}.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"Written {out}")


if __name__ == "__main__":
    main()
