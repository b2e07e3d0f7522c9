"""Both paths of one query, side by side: the read planner and today's resolvers, on one
connection and one event loop kept for a module of tests."""

import asyncio
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.core.db import Database
from graph.security.principal import UNRESTRICTED, AccessRole, Principal
from resolvers.context import Context
from schema import schema
from tests.support import TEST_PII_KEYS, Graph

README = Path(__file__).resolve().parents[2] / "README.md"


@dataclass(frozen=True)
class Answer:
    body: str  # data and errors as JSON text: keys in order, as the client reads them
    plan: str
    statements: int


class Paths:
    """Runs a query through the planner and through the resolvers alone."""

    def __init__(self, graph: Graph) -> None:
        self.loop = asyncio.new_event_loop()
        self.db = Database.connect(
            graph.uri,
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
            name=os.environ.get("NEO4J_DATABASE", "neo4j"),
            timeout=300,  # the machine is shared: a slow answer is no different answer
        )

    def close(self) -> None:
        self.loop.run_until_complete(self.db.close())
        self.loop.close()

    def ask(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        reader: Principal = UNRESTRICTED,
        *,
        planner: bool = True,
    ) -> Answer:
        context = Context(self.db, principal=reader, pii_keys=TEST_PII_KEYS, planner=planner)
        result = self.loop.run_until_complete(
            schema.execute(query, variable_values=variables, context_value=context)
        )
        # The errors as the server lists them (schema.errors.DocumentOrder): in the order
        # of the answer, whichever resolver finished first.
        errors = [error.formatted for error in result.errors or ()]
        body = {"data": result.data, "errors": errors}
        extensions = result.extensions or {}
        return Answer(
            json.dumps(body, ensure_ascii=False),
            extensions.get("plan", "resolvers"),
            extensions["cypherStatements"],
        )

    def both(
        self, query: str, variables: dict[str, Any] | None = None, reader: Principal = UNRESTRICTED
    ) -> Answer:
        """The planner's answer, once checked to be the resolvers' to the byte."""
        planned = self.ask(query, variables, reader)
        reference = self.ask(query, variables, reader, planner=False)
        assert reference.plan == "resolvers"
        if planned.body != reference.body and '"data": null' in reference.body:
            # A non-null root field failed: graphql-core then answers with the errors of the
            # root fields that happened to finish first, even of the failure itself when two
            # non-null ones fail (two runs of the resolvers' path differ); the planner with
            # all of them, in order.
            mine = json.loads(planned.body)
            assert mine["data"] is None, f"{query}\n{planned.body}\n{reference.body}"
            assert mine["errors"], query
            return planned
        assert planned.body == reference.body, f"{query}\n{planned.body}\n{reference.body}"
        return planned


def reader(role: AccessRole, *scope: str, sub: str = "P0262") -> Principal:
    return Principal(subject=sub, roles=frozenset({role}), scope=scope or None)


def readme_queries() -> Iterator[str]:
    """Every query operation in the README's GraphQL examples (mutations left out)."""
    for block in re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        depth = start = end = 0
        for index, char in enumerate(block):
            if char == "{":
                if depth == 0:
                    start = index
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    if "mutation" not in block[end:start]:
                        yield block[start : index + 1]
                    end = index + 1
