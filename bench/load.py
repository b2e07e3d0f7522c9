"""The load generator: one asyncio client process keeping `concurrency` requests in flight
until a cell has run long enough, recording each request's latency."""

import asyncio
import contextlib
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import neo4j

# One request: returns the Cypher statements it cost (raises on an error answer).
Call = Callable[[], Awaitable[int]]


class AnswerError(Exception):
    """A request answered with errors."""


@dataclass
class Cell:
    concurrency: int
    latencies: list[float] = field(default_factory=list)  # seconds, in completion order
    statements: list[int] = field(default_factory=list)
    elapsed: float = 0.0
    errors: int = 0  # requests that failed (timed out, refused): counted, not timed
    first_error: str | None = None

    def percentile(self, q: float) -> float:
        """Milliseconds at quantile q (nearest rank); NaN when nothing succeeded."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def summary(self) -> dict[str, float]:
        return {
            "requests": len(self.latencies),
            "p50_ms": self.percentile(0.50),
            "p95_ms": self.percentile(0.95),
            "p99_ms": self.percentile(0.99),
            "rps": self.rps,
            "statements": statistics.fmean(self.statements) if self.statements else 0.0,
            "errors": self.errors,
            "first_error": self.first_error,
        }


async def run_cell(
    call: Call, concurrency: int, seconds: float, *, min_requests: int, max_requests: int
) -> Cell:
    """Keep `concurrency` requests in flight until `seconds` have passed and at least
    `min_requests` are done (or `max_requests` are)."""
    cell = Cell(concurrency)
    started = time.perf_counter()
    issued = 0

    def more() -> bool:
        nonlocal issued
        if issued >= max_requests:
            return False
        if issued >= min_requests and time.perf_counter() - started >= seconds:
            return False
        issued += 1
        return True

    async def worker() -> None:
        while more():
            t0 = time.perf_counter()
            try:
                statements = await call()
            except Exception as error:  # a failed request is a result too
                cell.errors += 1
                cell.first_error = cell.first_error or f"{type(error).__name__}: {error}"[:300]
                continue
            cell.latencies.append(time.perf_counter() - t0)
            cell.statements.append(statements)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    cell.elapsed = time.perf_counter() - started
    return cell


async def warm_up(call: Call, concurrency: int, requests: int) -> None:
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            with contextlib.suppress(Exception):  # failures are counted when timed
                await call()

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def graphql_call(
    session: aiohttp.ClientSession, url: str, query: str, *, variables: dict[str, Any]
) -> tuple[Call, Callable[[], Awaitable[dict[str, Any]]]]:
    """A timed call returning the statements the response reports, and a call returning
    the response's `data` (for checking answers)."""
    payload = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"content-type": "application/json"}

    async def post() -> tuple[aiohttp.ClientResponse, dict[str, Any]]:
        async with session.post(url, data=payload, headers=headers) as response:
            return response, await response.json(content_type=None)

    async def body() -> dict[str, Any]:
        try:
            response, answer = await post()
        except aiohttp.ServerDisconnectedError:
            # A pooled connection that the server closed while idle (Node closes them after
            # 5 s): the read goes once more, on a fresh connection.
            response, answer = await post()
        if answer.get("errors") or response.status != 200:
            raise AnswerError(json.dumps(answer.get("errors"), ensure_ascii=False)[:2000])
        return answer

    async def call() -> int:
        return (await body()).get("extensions", {}).get("cypherStatements", 0)

    async def data() -> dict[str, Any]:
        return (await body())["data"]

    return call, data


def cypher_call(
    driver: neo4j.AsyncDriver, statement: str, params: dict[str, Any]
) -> tuple[Call, Callable[[], Awaitable[list[dict[str, Any]]]]]:
    """The floor: one statement in an auto-commit read transaction (one round trip), its
    records fetched as plain dicts."""

    async def records() -> list[dict[str, Any]]:
        async with driver.session(database="neo4j", default_access_mode=neo4j.READ_ACCESS) as s:
            result = await s.run(statement, params)
            return [dict(record.items()) async for record in result]

    async def call() -> int:
        await records()
        return 1

    return call, records
