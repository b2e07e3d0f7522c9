"""Every response counts the Cypher statements it cost."""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from graph.core.db import request_outage, request_statements


class StatementCount(SchemaExtension):
    """Adds `extensions.cypherStatements`: what this request cost the database; and keeps
    the request's outage mark (graph.core.db.request_outage)."""

    def on_operation(self) -> Iterator[None]:
        self.counter = [0]
        token = request_statements.set(self.counter)
        outage = request_outage.set([False])
        try:
            yield
        finally:
            request_outage.reset(outage)
            request_statements.reset(token)

    def get_results(self) -> dict[str, int]:
        return {"cypherStatements": self.counter[0]}
