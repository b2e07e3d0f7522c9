"""Probes for a load balancer or an orchestrator: no token, no data in the answer.

`/healthz`: the process answers. `/readyz`: Neo4j answers within a second and the graph
carries the current migrations' version; otherwise 503 with a code saying which. An
unfinished import is said too, but leaves the server ready: it serves the graph as it was
before that import (graph/importing/runs.py); unless it is loading an empty graph, which
is not whole until it ends (503, `IMPORT_LOADING`)."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from graph.core.db import Database
from graph.importing import runs
from graph.importing.runs import ImportRun
from graph.store.migrations import is_current

router = APIRouter()
READY_WITHIN = 1.0  # seconds


@router.get("/healthz", include_in_schema=False)
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    try:
        current, unfinished = await asyncio.wait_for(state(request.app.state.db), READY_WITHIN)
    except Exception:  # unreachable, refused, timed out: all mean not ready
        return not_ready("NEO4J_UNAVAILABLE", f"Neo4j did not answer within {READY_WITHIN:g} s.")
    if unfinished and unfinished.loading:  # its search indexes are made after it too
        return not_ready("IMPORT_LOADING", unfinished.describe())
    if not current:
        return not_ready(
            "MIGRATIONS_PENDING",
            "The graph's migrations have not run: start the server once, or `govgraph migrate`.",
        )
    if unfinished:
        return JSONResponse({"status": "ready", "import": unfinished_import(unfinished)})
    return JSONResponse({"status": "ready"})


async def state(db: Database) -> tuple[bool, ImportRun | None]:
    return await is_current(db), await runs.unfinished(db)


def unfinished_import(run: ImportRun) -> dict[str, object]:
    """Which run, how far: `govgraph import --status` tells the rest."""
    return {
        "code": "IMPORT_UNFINISHED",
        "run": run.id,
        "file": run.file,
        "done": run.done,
        "total": run.total,
        "staged": run.staged,
    }


def not_ready(code: str, message: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "code": code, "message": message}, 503)
