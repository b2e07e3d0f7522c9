"""Requests per second of `govgraph serve --workers N` at one concurrency (BENCHMARKS.md).

    python -m bench.workers --neo4j-uri bolt://127.0.0.1:7687 --workers 1 2 --seconds 20

Runs on a database holding the demo data (`make run` imports it), with authentication
off on loopback; three questions of a frontend, taken in turn. Stops what it started.
"""

import argparse
import asyncio
import itertools
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import httpx

from bench import load

QUESTIONS = [
    '{ region(code: "420602001001") { name grids(first: 10) { nodes { code name '
    "buildings(first: 20) { nodes { code households(first: 20) { nodes { id door } } } } } } } }",
    '{ person(id: "P0024") { name coveredHouseholds { totalCount nodes { id door } } } }',
    '{ case(caseNo: "XY-2026-0006") { title state events { seq action level } } }',
]
GOVGRAPH = Path(sys.executable).with_name("govgraph")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(uri: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "NEO4J_URI": uri, "GOVGRAPH_AUTH": "off", "GOVGRAPH_LOG_FORMAT": "text"}
    server = subprocess.Popen(
        [str(GOVGRAPH), "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    server.kill()
    raise SystemExit(f"govgraph serve --workers {workers} did not become ready")


async def measure(base: str, concurrency: int, seconds: float) -> load.Cell:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        calls = [
            load.graphql_call(session, f"{base}/graphql", q, variables={})[0] for q in QUESTIONS
        ]
        turns = itertools.cycle(calls)

        async def call() -> int:
            return await next(turns)()

        await load.warm_up(call, concurrency, 100)
        return await load.run_cell(call, concurrency, seconds, min_requests=50, max_requests=10**9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    print("| workers | requests/s | p50 ms | p95 ms | errors |")
    print("|---:|---:|---:|---:|---:|")
    for workers in args.workers:
        server, base = start(args.neo4j_uri, workers)
        try:
            cell = asyncio.run(measure(base, args.concurrency, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
        summary = cell.summary()
        print(
            f"| {workers} | {summary['rps']:.0f} | {summary['p50_ms']:.1f} "
            f"| {summary['p95_ms']:.1f} | {summary['errors']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
