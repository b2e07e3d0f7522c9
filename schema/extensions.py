"""Every response counts the Cypher statements it cost."""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from graph.core.db import request_statements


class StatementCount(SchemaExtension):
    """Adds `extensions.cypherStatements`: what this request cost the database."""

    def on_operation(self) -> Iterator[None]:
        self.counter = [0]
        token = request_statements.set(self.counter)
        try:
            yield
        finally:
            request_statements.reset(token)

    def get_results(self) -> dict[str, int]:
        return {"cypherStatements": self.counter[0]}
