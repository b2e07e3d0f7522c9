"""The read planner at work: a query's root fields that it can take are answered by
one statement each (resolvers/plan.py, graph/plan/) before graphql-core executes
anything; graphql-core executes only the others, through today's resolvers.

The response says which path ran in `extensions.plan`: "compiled" when the planner
answered every root field, "resolvers" when it answered none (a mutation, a field it
cannot take, or the planner turned off), "mixed" when both did; `extensions.planned`
then lists the keys of the root fields it answered.
"""

import logging
from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult
from strawberry.extensions import SchemaExtension

from graph.plan import Unreadable
from resolvers.plan import Operation, answer, plan_operation
from schema.errors import add_code

log = logging.getLogger("govgraph")


class ReadPlanner(SchemaExtension):
    path = "resolvers"
    planned: tuple[str, ...] = ()

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        operation = None
        document = context.graphql_document
        # A result already set (the role check refused) or an operation the planner
        # leaves alone: nothing to do.
        if context.result is None and document is not None and context.context.planner:
            operation = plan_operation(
                context.schema._schema,
                document,
                context.operation_name,
                raw_variables=context.variables,
                ctx=context.context,
            )
        if operation is None or not operation.planned:
            yield
            return
        try:
            answered = await answer(context.context, operation.planned)
        except Unreadable:
            yield  # what was edited in the graph: the resolvers' error, their way
            return
        except Exception:  # never a worse answer than the resolvers'
            log.warning("the read planner failed; the resolvers answer", exc_info=True)
            yield
            return
        for error in answered.errors:
            add_code(error)
        self.planned = tuple(each.key for each in operation.planned)
        if not operation.left:
            self.path = "compiled"
            data = None if answered.nulled else _ordered(operation, answered.data, {})
            context.result = ExecutionResult(data=data, errors=answered.errors or None)
            yield
            return
        self.path = "mixed"
        context.graphql_document = operation.document_left(document)
        yield
        # graphql-core's result is the one returned: completed in place.
        rest = context.result
        assert isinstance(rest, ExecutionResult)
        rest.errors = [*answered.errors, *(rest.errors or ())] or None
        if answered.nulled or rest.data is None:
            rest.data = None
        else:
            rest.data = _ordered(operation, answered.data, rest.data)
        context.graphql_document = document

    def get_results(self) -> dict[str, Any]:
        if self.path == "mixed":
            return {"plan": self.path, "planned": list(self.planned)}
        return {"plan": self.path}


def _ordered(operation: Operation, planned: dict[str, Any], rest: dict[str, Any]) -> dict[str, Any]:
    """The root fields in the order the operation asks for them."""
    return {key: planned[key] if key in planned else rest.get(key) for key in operation.keys}
