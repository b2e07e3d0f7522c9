"""`make bench`: govgraph, @neo4j/graphql 7 and hand-written Cypher on the same Neo4j.

    python -m bench.run --scale 0.01              # generate, bulk-import, run (a few minutes)
    python -m bench.run --neo4j-uri bolt://127.0.0.1:7695 --scale 1   # a loaded database

Prepares the city (bench/prepare.py), starts both servers (bench/servers.py), checks that
the three forms of every question (bench/operations.py) give the same answer, times each
at concurrency 1 and 16 (bench/load.py), prints the table and writes
bench/results/scale-<S>.json and .md. Stops everything it started.
"""

import argparse
import asyncio
import json
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import neo4j
from rich.console import Console
from rich.table import Table

from bench import load, operations, prepare, servers
from bench.operations import Operation, Picks

SYSTEMS = ("govgraph", "neo4j-graphql", "floor")
CONCURRENCY = (1, 16)
RESULTS = Path(__file__).parent / "results"
# Seconds per cell, by scale: the quick scale fits `make bench` in ten minutes.
SECONDS = {0.01: 3.0, 0.1: 6.0, 1.0: 10.0}
# The targets of issue #11, as ratios govgraph / peer and govgraph / floor.
LATENCY_VS_PEER, RPS_VS_PEER, WITHIN_FLOOR = 0.8, 1.25, 1.3
out = Console(width=None if Console().is_terminal else 150)


@dataclass
class Calls:
    """One operation's call per system: timed, and answering for the check."""

    timed: dict[str, load.Call]
    answer: dict[str, Any]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 0.01)))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--neo4j-uri",
        default=os.environ.get("BENCH_NEO4J_URI"),
        help="a Neo4j already holding the city at --scale (used read-only; nothing imported)",
    )
    parser.add_argument("--data", type=Path, help="the generated city (default .bench/city-S)")
    parser.add_argument("--bolt-port", type=int, help="the bench instance's port")
    parser.add_argument("--seconds", type=float, help="per cell (default by scale)")
    parser.add_argument("--min-requests", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3, help="requests (at least one per client)")
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--ops", help="comma-separated operation names (default all)")
    parser.add_argument(
        "--concurrency",
        type=lambda text: tuple(int(c) for c in text.split(",")),
        default=CONCURRENCY,
        help="comma-separated levels (default 1,16)",
    )
    parser.add_argument("--label", help="names the results files (default scale-S)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where they are written")
    parser.add_argument("--govgraph-port", type=int, default=8101)
    parser.add_argument("--peer-port", type=int, default=8102)
    return parser.parse_args()


def main() -> None:
    args = parse()
    city = prepare.City(args.scale, args.seed)
    instance = None
    started_neo4j = False
    started: list[servers.Server] = []
    try:
        if args.neo4j_uri:
            uri = args.neo4j_uri
        else:
            instance = prepare.instance_for(city, args.bolt_port)
            started_neo4j = prepare.ensure_loaded(
                city, instance, lambda: prepare.ensure_dataset(city, args.data or city.folder())
            )
            uri = instance.uri
        counts = prepare.database_counts(uri)
        out.print(f"Neo4j {uri}: {counts['people']:,} people, {counts['households']:,} households")
        times = prepare.has_apoc(uri)
        if not times:
            out.print("[yellow]No APOC in this database: DateTime fields are left out.[/yellow]")
        servers.install_peer()
        started.append(servers.start_govgraph(uri, args.govgraph_port))
        started.append(servers.start_peer(uri, args.peer_port))
        ops = operations.operations(times)
        if args.ops:
            wanted = args.ops.split(",")
            ops = tuple(op for op in ops if op.name in wanted)
        seconds = args.seconds or SECONDS.get(args.scale, 6.0)
        results = asyncio.run(measure(args, uri, ops, started=started, seconds=seconds))
        results.update(scale=args.scale, seed=args.seed, counts=counts, times=times)
        results["label"] = args.label or f"scale-{args.scale:g}"
        report(results, args.results)
    finally:
        for server in started:
            server.stop()
        if started_neo4j and instance is not None:
            from graph.store import local_server

            local_server.stop(instance)
    failed = [r for r in results["rows"] if r["errors"]]
    if not all(results["agreement"].values()) or failed:
        # After the tables: a run whose answers disagree or fail measured something else.
        raise SystemExit("The three forms disagree, or requests failed: see above.")


async def measure(
    args: argparse.Namespace,
    uri: str,
    ops: tuple[Operation, ...],
    *,
    started: list[servers.Server],
    seconds: float,
) -> dict[str, Any]:
    govgraph, peer = started
    driver = neo4j.AsyncGraphDatabase.driver(uri, auth=None, max_connection_pool_size=50)
    connector = aiohttp.TCPConnector(limit=64)
    session = aiohttp.ClientSession(connector=connector)
    try:
        picks = await pick(driver)
        out.print(f"Picks: {picks}")
        rows = []
        agreement = {}
        for op in ops:
            calls = make_calls(
                op, picks, session, driver=driver, govgraph_url=govgraph.url, peer_url=peer.url
            )
            agreement[op.name] = await check(op, calls)
            for concurrency in args.concurrency:
                for system in SYSTEMS:
                    call = calls.timed[system]
                    await load.warm_up(call, concurrency, max(args.warmup, concurrency))
                    server = {"govgraph": govgraph, "neo4j-graphql": peer}.get(system)
                    cpu = server.cpu_seconds() if server else 0.0
                    cell = await load.run_cell(
                        call,
                        concurrency,
                        seconds,
                        min_requests=args.min_requests,
                        max_requests=args.max_requests,
                    )
                    row = {"op": op.name, "system": system, "concurrency": concurrency}
                    row.update(cell.summary())
                    # The server's own CPU per request: its Python or JavaScript time.
                    used = server.cpu_seconds() - cpu if server else 0.0
                    row["server_cpu_ms"] = used * 1000 / max(1, len(cell.latencies))
                    rows.append(row)
                    out.print(
                        f"  {op.name:10} {system:14} c{concurrency:<3} "
                        f"p50 {row['p50_ms']:8.1f} ms  p99 {row['p99_ms']:8.1f} ms  "
                        f"{row['rps']:7.1f} req/s  {row['statements']:.1f} stmt  "
                        f"server CPU {row['server_cpu_ms']:.1f} ms/req"
                        + (f"  [red]{row['errors']} errors: {row['first_error']}[/red]"
                           if row["errors"] else ""),
                        highlight=False,
                    )  # fmt: skip
        memory = {server.name: server.peak_rss_mib() for server in started}
    finally:
        await session.close()
        await driver.close()
    return {
        "picks": {**picks.__dict__, "as_of": picks.as_of.isoformat()},
        "rows": rows,
        "agreement": agreement,
        "peak_rss_mib": memory,
        "seconds_per_cell": seconds,
        "machine": machine(),
        "titles": {op.name: op.title for op in ops},
    }


async def pick(driver: neo4j.AsyncDriver) -> Picks:
    as_of = operations.today()
    result = await driver.execute_query(
        operations.PICKS, operations.pick_params(as_of), database_="neo4j"
    )
    return operations.picks_from(result.records[0].data(), as_of)


def make_calls(
    op: Operation,
    picks: Picks,
    session: aiohttp.ClientSession,
    *,
    driver: neo4j.AsyncDriver,
    govgraph_url: str,
    peer_url: str,
) -> Calls:
    ours = load.graphql_call(
        session, govgraph_url, op.ours.query, variables=op.ours.variables(picks)
    )
    peer = load.graphql_call(session, peer_url, op.peer.query, variables=op.peer.variables(picks))
    floor = load.cypher_call(driver, op.floor.statement, op.floor.params(picks))
    return Calls(
        {"govgraph": ours[0], "neo4j-graphql": peer[0], "floor": floor[0]},
        {"govgraph": ours[1], "neo4j-graphql": peer[1], "floor": floor[1]},
    )


async def check(op: Operation, calls: Calls) -> bool:
    """The three answers agree; a disagreement is printed and recorded, not hidden."""
    forms = {"govgraph": op.ours, "neo4j-graphql": op.peer, "floor": op.floor}
    answers = {}
    for system, form in forms.items():
        try:
            answers[system] = form.answer(await calls.answer[system]())
        except Exception as error:
            answers[system] = f"failed: {type(error).__name__}: {error}"
    agree = answers["govgraph"] == answers["neo4j-graphql"] == answers["floor"]
    mark = "[green]agree[/green]" if agree else "[red]DISAGREE[/red]"
    out.print(f"{op.name}: {op.title}: the three answers {mark}")
    if not agree:
        for system, answer in answers.items():
            out.print(f"  {system}: {str(answer)[:400]}", highlight=False)
    return agree


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "node": node,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


# ------------------------------------------------------------------ the report


MISSING = {"p50_ms": float("nan"), "p95_ms": float("nan"), "p99_ms": float("nan"),
           "rps": float("nan"), "statements": float("nan"), "errors": 0}  # fmt: skip


def cell(rows: list[dict[str, Any]], op: str, system: str, *, concurrency: int) -> dict[str, Any]:
    """The cell's figures; NaN for a cell not run (--concurrency)."""
    return next(
        (r for r in rows if (r["op"], r["system"], r["concurrency"]) == (op, system, concurrency)),
        MISSING,
    )


def ratios(rows: list[dict[str, Any]], op: str) -> dict[str, float]:
    """govgraph / peer and govgraph / floor: below 1 is better for latency, above for rps."""
    ours1, peer1, floor1 = (cell(rows, op, s, concurrency=1) for s in SYSTEMS)
    ours16, peer16, _ = (cell(rows, op, s, concurrency=16) for s in SYSTEMS)
    return {
        "p50_vs_peer": ours1["p50_ms"] / peer1["p50_ms"],
        "p99_vs_peer": ours1["p99_ms"] / peer1["p99_ms"],
        "p50_c16_vs_peer": ours16["p50_ms"] / peer16["p50_ms"],
        "p99_c16_vs_peer": ours16["p99_ms"] / peer16["p99_ms"],
        "rps_c16_vs_peer": ours16["rps"] / peer16["rps"],
        "p50_vs_floor": ours1["p50_ms"] / floor1["p50_ms"],
        "cpu_vs_peer": _cpu_ms(ours1) / _cpu_ms(peer1),
    }


def _cpu_ms(row: dict[str, Any]) -> float:
    return row.get("server_cpu_ms") or float("nan")


def targets(r: dict[str, float]) -> dict[str, bool | None]:
    """The targets of issue #11: p50 and p99 at most 0.8 times the peer's (at c1 and c16),
    requests/s at c16 at least 1.25 times the peer's, p50 at c1 within 1.3 times the
    floor's, server CPU per request at most the peer's. None: a cell not run."""

    def holds(ratios: list[float], bound: float, at_most: bool = True) -> bool | None:
        ran = [x for x in ratios if x == x]  # NaN: not run
        if not ran:
            return None
        return all(x <= bound if at_most else x >= bound for x in ran)

    latency = [r["p50_vs_peer"], r["p99_vs_peer"], r["p50_c16_vs_peer"], r["p99_c16_vs_peer"]]
    return {
        "latency_vs_peer": holds(latency, LATENCY_VS_PEER),
        "rps_vs_peer": holds([r["rps_c16_vs_peer"]], RPS_VS_PEER, at_most=False),
        "within_floor": holds([r["p50_vs_floor"]], WITHIN_FLOOR),
        "cpu_vs_peer": holds([r["cpu_vs_peer"]], 1.0),
    }


def report(results: dict[str, Any], folder: Path) -> None:
    rows = results["rows"]
    names = list(dict.fromkeys(r["op"] for r in rows))
    for name in names:
        results.setdefault("ratios", {})[name] = ratios(rows, name)
        results.setdefault("targets", {})[name] = targets(results["ratios"][name])
    table = Table(title=f"scale {results['scale']:g}: latency (ms) and throughput")
    for column in ("operation", "system", "c1 p50", "p95", "p99", "req/s", "c16 p50", "p95",
                   "p99", "req/s", "stmt/req"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("operation", "system") else "right")
    for name in names:
        for system in SYSTEMS:
            one, many = (
                cell(rows, name, system, concurrency=1),
                cell(rows, name, system, concurrency=16),
            )
            table.add_row(name, system, *_figures(one), *_figures(many), f"{one['statements']:.1f}")
        table.add_section()
    out.print(table)
    ratio_table = Table(title="govgraph / @neo4j/graphql and govgraph / floor")
    for column in ("operation", "p50 c1", "p99 c1", "p50 c16", "p99 c16", "req/s c16",
                   "p50 c1 / floor", "CPU c1", "targets"):  # fmt: skip
        ratio_table.add_column(column, justify="left" if column == "operation" else "right")
    for name in names:
        r, t = results["ratios"][name], results["targets"][name]
        ratio_table.add_row(
            name,
            *(_number(r[key], 2) for key in ("p50_vs_peer", "p99_vs_peer", "p50_c16_vs_peer",
                                             "p99_c16_vs_peer", "rps_c16_vs_peer", "p50_vs_floor",
                                             "cpu_vs_peer")),
            " ".join(_mark(ok) + key for key, ok in t.items()),
        )  # fmt: skip
    out.print(ratio_table)
    out.print(f"Peak RSS (MiB): {results['peak_rss_mib']}")
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / results["label"]  # "scale-0.1": no with_suffix, which would eat ".1"
    Path(f"{stem}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    Path(f"{stem}.md").write_text(markdown(results))
    out.print(f"Written {stem}.json and {stem}.md")


def _cpu(row: dict[str, Any]) -> str:
    return f"{row['server_cpu_ms']:.1f}" if row.get("server_cpu_ms") else "–"


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else "✓" if ok else "✗"


def _number(value: float, digits: int) -> str:
    return "–" if value != value else f"{value:.{digits}f}"  # NaN: a cell not run


def _figures(row: dict[str, Any]) -> list[str]:
    failed = f" ({row['errors']} failed)" if row["errors"] else ""
    return [_number(row["p50_ms"], 1), _number(row["p95_ms"], 1), _number(row["p99_ms"], 1),
            _number(row["rps"], 0) + failed]  # fmt: skip


def markdown(results: dict[str, Any]) -> str:
    rows, titles = results["rows"], results["titles"]
    names = list(dict.fromkeys(r["op"] for r in rows))
    lines = [
        f"### Scale {results['scale']:g} ({results['counts']['people']:,} people, "
        f"{results['counts']['households']:,} households, {results['counts']['cases']:,} cases)",
        "",
        "| operation | system | c1 p50 | c1 p95 | c1 p99 | c1 req/s | c16 p50 | c16 p95 | "
        "c16 p99 | c16 req/s | statements/req | server CPU ms/req |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name in names:
        for system in SYSTEMS:
            one, many = (
                cell(rows, name, system, concurrency=1),
                cell(rows, name, system, concurrency=16),
            )
            lines.append(
                f"| {name} | {system} | "
                + " | ".join(_figures(one) + _figures(many))
                + f" | {one['statements']:.1f} | {_cpu(one)} |"
            )
    lines += [
        "",
        "Latencies in ms. Ratios govgraph / @neo4j/graphql (latency: below 1 is better; "
        "req/s: above 1 is better) and govgraph / floor:",
        "",
        "| operation | p50 c1 | p99 c1 | p50 c16 | p99 c16 | req/s c16 | p50 c1 vs floor | "
        "CPU c1 | ≤ 0.8× peer latency | ≥ 1.25× peer req/s | ≤ 1.3× floor | CPU ≤ peer |",
        "|---|--:|--:|--:|--:|--:|--:|--:|:-:|:-:|:-:|:-:|",
    ]
    for name in names:
        r, t = results["ratios"][name], results["targets"][name]
        marks = " | ".join(_mark(ok) for ok in t.values())
        keys = ("p50_vs_peer", "p99_vs_peer", "p50_c16_vs_peer", "p99_c16_vs_peer",
                "rps_c16_vs_peer", "p50_vs_floor", "cpu_vs_peer")  # fmt: skip
        figures = " | ".join(_number(r[key], 2) for key in keys)
        lines.append(f"| {name} | {figures} | {marks} |")
    memory = ", ".join(f"{name} {mib:.0f} MiB" for name, mib in results["peak_rss_mib"].items())
    lines += ["", f"Peak RSS: {memory}.", ""]
    lines += [f"- `{name}`: {titles[name]}" for name in names]
    agreement = all(results["agreement"].values())
    lines += ["", f"Answers of the three forms agree: {'yes' if agreement else 'NO'}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
