"""A query operation's root fields for the read planner (graph/plan/): each described in
its neutral terms and answered in one statement, or left to today's resolvers.

The description follows GraphQL's own rules of execution: fragments spread and inline,
aliases (the answer's keys), `@include`/`@skip`, variables coerced, selections of one key
merged (graphql-core's `collect_fields`). Arguments are checked here as the resolvers
check them (`first`, `after` through resolvers.paging.window; `asOf` today by default);
an argument they would refuse leaves the root field to them, so that the error is theirs
exactly. A root field is planned whole or not at all.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    get_operation_ast,
)
from graphql.execution.collect_fields import (
    FieldDetails,
    FragmentDetails,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from graph import cases, plan
from graph.case_machine import CaseChain
from graph.cases import CaseFilter, OverdueRule
from graph.core.clock import optional_city_time
from graph.core.errors import GovgraphError
from graph.plan import NotCompiled, Select
from resolvers.context import Context
from resolvers.paging import encode_cursor, window

FieldDetailsList = list[FieldDetails]
# Arguments passed on as they are; `first`/`after` and `asOf` are checked or defaulted.
PLAIN = {"code", "id", "caseNo", "within", "history", "kind", "days", "state"}


@dataclass(frozen=True)
class Planned:
    key: str
    fields: FieldDetailsList
    plan: plan.Plan
    nullable: bool


@dataclass(frozen=True)
class Operation:
    """What the planner makes of one query operation."""

    planned: tuple[Planned, ...]
    left: dict[str, FieldDetailsList]  # root fields for the resolvers, by key
    keys: tuple[str, ...]  # every root key, in the answer's order
    operation: OperationDefinitionNode

    def document_left(self, document: DocumentNode) -> DocumentNode:
        """`document` with only the root fields left to the resolvers."""
        nodes = tuple(detail.node for fields in self.left.values() for detail in fields)
        selection = self.operation.selection_set.__class__(selections=nodes)
        operation = self.operation.__class__(
            operation=self.operation.operation,
            name=self.operation.name,
            variable_definitions=self.operation.variable_definitions,
            directives=self.operation.directives,
            selection_set=selection,
        )
        definitions = tuple(
            operation if definition is self.operation else definition
            for definition in document.definitions
        )
        return DocumentNode(definitions=definitions)


def plan_operation(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    *,
    raw_variables: Mapping[str, Any] | None,
    ctx: Context,
) -> Operation | None:
    """The plan of a valid query operation, or None when nothing in it can be planned
    (a mutation, variables the resolvers' path refuses, fragment variables)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    fragments: dict[str, FragmentDetails] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            if definition.variable_definitions:
                return None
            fragments[definition.name.value] = FragmentDetails(definition)
    variables = get_variable_values(
        schema, operation.variable_definitions or (), dict(raw_variables or {})
    )
    if isinstance(variables, list):
        return None  # the resolvers' path reports them
    query = schema.query_type
    assert query is not None
    grouped = collect_fields(schema, fragments, variables, query, operation).grouped_field_set
    describer = _Describer(schema, fragments, variables, operation=operation, ctx=ctx)
    planned: list[Planned] = []
    left: dict[str, FieldDetailsList] = {}
    for key, fields in grouped.items():
        name = fields[0].node.name.value
        field = query.fields.get(name)
        try:
            if field is None or name not in plan.ROOTS:
                raise NotCompiled(name)
            select = describer.select(key, field, fields)
            compiled = plan.compile_root(select)
        except (NotCompiled, GovgraphError):
            left[key] = fields
            continue
        planned.append(Planned(key, fields, compiled, not isinstance(field.type, GraphQLNonNull)))
    return Operation(tuple(planned), left, tuple(grouped), operation)


class _Describer:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDetails],
        variables: VariableValues,
        *,
        operation: OperationDefinitionNode,
        ctx: Context,
    ) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.operation, self.ctx = operation, ctx

    def select(self, key: str, field: Any, fields: FieldDetailsList) -> Select:
        detail = fields[0]
        if detail.fragment_variable_values is not None:
            raise NotCompiled("fragment variables")
        args = self.arguments(get_argument_values(field, detail.node, self.variables))
        named = get_named_type(field.type)
        children: tuple[Select, ...] = ()
        if isinstance(named, GraphQLObjectType):
            grouped = collect_subfields(
                self.schema, self.fragments, self.variables, self.operation, named, fields
            ).grouped_field_set
            children = tuple(
                self.inner(named, inner_key, inner) for inner_key, inner in grouped.items()
            )
        return Select(detail.node.name.value, key, args, children)

    def inner(self, parent: GraphQLObjectType, key: str, fields: FieldDetailsList) -> Select:
        name = fields[0].node.name.value
        if name == "__typename":
            return Select(name, key)
        return self.select(key, parent.fields[name], fields)

    def arguments(self, given: Mapping[str, Any]) -> dict[str, Any]:
        args: dict[str, Any] = {}
        for name, value in given.items():
            if name in PLAIN:
                args[name] = value
            elif name == "asOf":
                args[name] = value or self.ctx.today()
            elif name in ("from", "to"):  # caseStats' and visits' days
                args[name] = value
            elif name == "filter":
                args["filter"], args["overdue"] = self.case_filter(value)
            elif name not in ("first", "after"):
                raise NotCompiled(f"argument {name}")
        if (first := given.get("from")) and (last := given.get("to")) and first > last:
            raise NotCompiled("days the resolvers refuse")
        if "first" in given or "after" in given:
            # BadUserInput here leaves the field to the resolvers, who raise it as today.
            args["after"], args["first"] = window(given.get("first"), given.get("after"))
            if isinstance(args["after"], list | dict):
                raise NotCompiled("a cursor of no key")  # the resolvers fail on it their way
        return args

    def case_filter(self, given: Any) -> tuple[CaseFilter, OverdueRule]:
        """As resolvers.cases.case_list takes it: times in the city's zone, overdue now."""
        given = given or {}
        found = CaseFilter(
            within=given.get("within"),
            state=given.get("state"),
            category=given.get("category"),
            reported_from=optional_city_time(given.get("reportedFrom")),
            reported_to=optional_city_time(given.get("reportedTo")),
            overdue=given.get("overdue"),
            level=given.get("level"),
        )
        return found, OverdueRule(self.ctx.overdue_days, cases.now())


@dataclass(frozen=True)
class Answered:
    data: dict[str, Any]
    errors: list[GraphQLError]
    nulled: bool  # a non-null root field failed: the whole data is null


async def answer(ctx: Context, planned: tuple[Planned, ...]) -> Answered:
    """Each planned root field's value, or its error located as graphql-core locates it;
    the statements run at once, as graphql-core runs root fields, and answer in order."""
    finish = plan.Finish(cursor=encode_cursor, chain=CaseChain.of(ctx.keys))
    outcomes = await asyncio.gather(
        *(plan.answer(ctx.db, each.plan, finish) for each in planned),
        return_exceptions=True,
    )
    data: dict[str, Any] = {}
    errors: list[GraphQLError] = []
    nulled = False
    for each, outcome in zip(planned, outcomes, strict=True):
        if isinstance(outcome, GovgraphError):
            nodes = [detail.node for detail in each.fields]
            errors.append(
                GraphQLError(outcome.message, nodes, path=[each.key], original_error=outcome)
            )
            data[each.key] = None
            nulled = nulled or not each.nullable
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            data[each.key] = outcome
    return Answered(data, errors, nulled)
