"""What an operation may cost: how many objects its answer may hold at most.

Each field that returns objects counts one per parent, times its page size when
it is a list: the nodes and edges of a connection count its `first` (the default
page when absent), any other list counts `LIST_FACTOR`. Costs multiply down each
path and add up across fields, so `grids { nodes { buildings { nodes { id } } } }`
with the default pages counts 1 + 50 + 50 + 50·50. Every `first` is checked on
the way, literal or variable, before anything runs.
"""

from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)

# What a list with no `first` (members of a household, the events of a case) counts
# as: most hold a handful, none is unbounded in practice.
LIST_FACTOR = 10

META_FIELDS = {
    "__schema": SchemaMetaFieldDef,
    "__type": TypeMetaFieldDef,
    "__typename": TypeNameMetaFieldDef,
}


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    *,
    variables: Mapping[str, Any],
    default_first: int,
    check_first: Callable[[int], None],
) -> int:
    """The cost of a validated `operation`; `check_first` sees every page size asked for."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    defaults = {
        definition.variable.name.value: definition.default_value
        for definition in operation.variable_definitions or ()
    }
    memo: dict[tuple[str, int | None], int] = {}

    def page_size(field: FieldNode) -> int:
        value = next(
            (arg.value for arg in field.arguments or () if arg.name.value == "first"), None
        )
        if isinstance(value, VariableNode):
            name = value.name.value
            value = variables[name] if name in variables else defaults.get(name)
        if isinstance(value, IntValueNode):
            value = int(value.value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON's 1e6 is an Int to GraphQL
        if not isinstance(value, int) or isinstance(value, bool):
            return default_first  # null or absent; a wrong type fails in execution
        check_first(value)
        return max(value, 0)

    def of_set(selection_set: SelectionSetNode | None, parent: Any, page: int | None) -> int:
        """The cost of a selection set for one parent object."""
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += of_field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = schema.get_type(condition.name.value) if condition else parent
                total += of_set(selection.selection_set, inner, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += of_fragment(selection.name.value, page)
        return total

    def of_fragment(name: str, page: int | None) -> int:
        if (name, page) not in memo:
            fragment = fragments[name]
            condition = schema.get_type(fragment.type_condition.name.value)
            memo[name, page] = of_set(fragment.selection_set, condition, page)
        return memo[name, page]

    def of_field(field: FieldNode, parent: Any, page: int | None) -> int:
        definition = _field_definition(parent, field.name.value)
        if definition is None:
            return 0
        named: GraphQLNamedType = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            factor = LIST_FACTOR if page is None else page
        else:
            factor = 1
        # A connection passes its page size to its lists (nodes, edges).
        inner_page = page_size(field) if "first" in definition.args else None
        return factor * (1 + of_set(field.selection_set, named, inner_page))

    root = schema.get_root_type(operation.operation)
    return of_set(operation.selection_set, root, None)


def _field_definition(parent: Any, name: str) -> GraphQLField | None:
    if name in META_FIELDS:
        return META_FIELDS[name]
    fields = getattr(parent, "fields", None)
    return fields.get(name) if fields else None
