"""The browser console at `/` and GraphiQL at `/graphql`, both from govgraph's own files.

`console/public` holds the pages; `console/public/vendor` the pinned third-party files
(React, GraphiQL, ECharts) that `make run` and `make test` copy there from npm
(console/package-lock.json). Nothing is loaded from elsewhere: both work offline.
"""

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

PUBLIC = Path(__file__).resolve().parents[1] / "console" / "public"
VENDOR = PUBLIC / "vendor"

log = logging.getLogger("govgraph")


def graphiql_html() -> str:
    return (PUBLIC / "graphiql.html").read_text(encoding="utf-8")


def mount(app: FastAPI) -> None:
    if not VENDOR.is_dir():
        log.warning(
            "console/public/vendor is missing: GraphiQL and the console need it; "
            "`make run` builds it (npm ci in console/)."
        )
    app.mount("/console", StaticFiles(directory=PUBLIC), name="console")

    @app.get("/", include_in_schema=False)
    async def console() -> FileResponse:
        return FileResponse(PUBLIC / "index.html", media_type="text/html; charset=utf-8")
