"""The planners' questions of issue #15 and the writes that keep their figures, timed warm
against a running govgraph (BENCHMARKS.md, "Coverage kept").

    python -m bench.coverage_p50 --url http://127.0.0.1:8000 --neo4j-uri bolt://127.0.0.1:7687

The server must not check tokens (GOVGRAPH_AUTH=off, loopback). Each question is asked
`--warmup` times, then `--runs` times one after the other; the p50 of those is printed.
The writes make and end CENTRAL_HOUSEHOLD assignments of distinct households
(`--reads-only` leaves them out, so that the database stays as it was).

    python -m bench.coverage_p50 --url http://127.0.0.1:8001 --compare http://127.0.0.1:8002 \
        --neo4j-uri bolt://127.0.0.1:7687 --reads-only

asks each question of two servers (before and after a change, each on its own copy of
the same database) in turn, request by request, so that both see the same load.
"""

import argparse
import statistics
import time
from datetime import date, timedelta
from typing import Any

import httpx
import neo4j

FIGURES = "within buildings coveredBuildings households coveredHouseholds grids gridsWithWorker"
ASSIGN = """mutation($holder: ID!, $target: String!) { assign(input:
  {role: CENTRAL_HOUSEHOLD, holder: $holder, target: $target}) { id } }"""
STATS = """query($w: String) { stats(within: $w) { regions grids buildings households people
  partyOrganizations partyMembers centralHouseholds governanceCenters redStations canteens
  cases organisations socialOrganisations volunteerTeams volunteers dualReporters } }"""
END = """mutation($id: ID!, $until: Date) { endAssignment(id: $id, until: $until) { id } }"""


def post(http: httpx.Client, query: str, variables: dict[str, Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    response = http.post("/graphql", json={"query": query, "variables": variables})
    elapsed = (time.perf_counter() - started) * 1000
    body = response.json()
    assert "errors" not in body, body
    return elapsed, body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--neo4j-uri", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--reads-only", action="store_true")
    parser.add_argument("--compare", help="a second server, asked in turn (reads only)")
    args = parser.parse_args()
    with neo4j.GraphDatabase.driver(args.neo4j_uri, auth=None) as driver:
        city = driver.execute_query(
            "MATCH (r:Region {level: 'CITY'}) RETURN r.code AS code"
        ).records[0]["code"]
        county = driver.execute_query(
            "MATCH (r:Region {level: 'COUNTY'}) RETURN r.code AS code ORDER BY code LIMIT 1"
        ).records[0]["code"]
        holder = driver.execute_query(
            "MATCH (p:Person) RETURN p.id AS id ORDER BY id LIMIT 1"
        ).records[0]["id"]
        targets = [
            record["id"]
            for record in driver.execute_query(
                "MATCH (h:Household) WHERE NOT EXISTS { (h)<-[:TARGETS]-() } "
                "RETURN h.id AS id ORDER BY id LIMIT $n",
                n=args.warmup + args.runs,
            ).records
        ]
    two_years_back = (date.today() - timedelta(days=730)).isoformat()
    coverage = f"""query($w: String!, $asOf: Date) {{ coverage(within: $w, asOf: $asOf) {{
      {FIGURES} children {{ {FIGURES} }} }} }}"""
    questions = {
        "coverage(city) + children, today": (coverage, {"w": city}),
        "coverage(city) + children, 2 years back": (coverage, {"w": city, "asOf": two_years_back}),
        "county uncoveredBuildings first 50 + totalCount": (
            """query($w: String!) { uncoveredBuildings(within: $w, first: 50) {
              totalCount nodes { code } } }""",
            {"w": county},
        ),
        "county uncoveredHouseholds first 50 + totalCount": (
            """query($w: String!) { uncoveredHouseholds(within: $w, first: 50) {
              totalCount nodes { id } } }""",
            {"w": county},
        ),
        "stats(within: city)": (STATS, {"w": city}),
        "stats(within: county)": (STATS, {"w": county}),
    }
    if args.compare:
        compare(args.url, args.compare, questions, runs=args.runs, warmup=args.warmup)
        return
    with httpx.Client(base_url=args.url, timeout=300) as http:
        for name, (query, variables) in questions.items():
            for _ in range(args.warmup):
                post(http, query, variables)
            times = [post(http, query, variables)[0] for _ in range(args.runs)]
            print(f"{name}: p50 {statistics.median(times):.1f} ms (max {max(times):.1f})")
        if args.reads_only:
            return
        assigned, ended = [], []
        tomorrow = (date.today() + timedelta(days=1)).isoformat()
        for i, target in enumerate(targets):
            took, body = post(http, ASSIGN, {"holder": holder, "target": target})
            took_end, _ = post(http, END, {"id": body["data"]["assign"]["id"], "until": tomorrow})
            if i >= args.warmup:
                assigned.append(took)
                ended.append(took_end)
        print(f"assign: p50 {statistics.median(assigned):.1f} ms (max {max(assigned):.1f})")
        print(f"endAssignment: p50 {statistics.median(ended):.1f} ms (max {max(ended):.1f})")


def compare(
    first: str,
    second: str,
    questions: dict[str, tuple[str, dict[str, Any]]],
    *,
    runs: int,
    warmup: int,
) -> None:
    """The p50 of each question on both servers, asked alternately."""
    with (
        httpx.Client(base_url=first, timeout=300) as one,
        httpx.Client(base_url=second, timeout=300) as two,
    ):
        print(f"question: p50 {first} / {second} (max)")
        for name, (query, variables) in questions.items():
            a: list[float] = []
            b: list[float] = []
            for run in range(warmup + runs):
                # Which goes first alternates too.
                for http, times in ((one, a), (two, b)) if run % 2 else ((two, b), (one, a)):
                    took, _ = post(http, query, variables)
                    if run >= warmup:
                        times.append(took)
            print(
                f"{name}: {statistics.median(a):.1f} / {statistics.median(b):.1f} ms "
                f"({max(a):.1f} / {max(b):.1f})"
            )


if __name__ == "__main__":
    main()
