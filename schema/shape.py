"""The shape of a request's document, measured cheaply and safely for any input.

Every measure here finishes in time linear in the document, whatever it holds:
tokens are counted by the lexer alone, fragment cycles are found before any walk
follows a spread, and each fragment is measured once however often it is spread.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Lexer,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    TokenKind,
)
from strawberry.types.nodes import SelectedField, Selection

OPENING = {TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L}
CLOSING = {TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R}


@dataclass(frozen=True)
class Tokens:
    count: int  # stops one past the limit
    nesting: int  # the deepest brackets ({, [, ( ) seen


@lru_cache(maxsize=128)  # as ParserCache: a query sent again is not lexed again
def count_tokens(query: str, limit: int) -> Tokens:
    """Tokens and bracket nesting of `query`, lexed up to `limit` + 1 tokens.

    The parser recurses once per bracket, so nesting is measured before it runs.
    A lexical error ends the count: parsing then reports it.
    """
    lexer = Lexer(Source(query))
    count = depth = deepest = 0
    try:
        while count <= limit:
            token = lexer.advance()
            if token.kind == TokenKind.EOF:
                break
            count += 1
            if token.kind in OPENING:
                depth += 1
                deepest = max(deepest, depth)
            elif token.kind in CLOSING:
                depth -= 1
    except GraphQLError:
        pass
    return Tokens(count, deepest)


@dataclass(frozen=True)
class Spreads:
    cycle: list[str] | None  # the names along a cycle of fragment spreads, if any
    chain: int  # the longest chain of fragments spread in one another


def fragment_spreads(document: DocumentNode) -> Spreads:
    """How fragments spread one another: a cycle, or the longest chain."""
    spreads = {
        definition.name.value: set(_spread_names(definition.selection_set))
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    height: dict[str, int] = {}  # of each fragment done: the longest chain it starts
    for start in spreads:
        if start in height:
            continue
        # Depth-first without recursion: a long chain of fragments cannot overflow the stack.
        path, pending = [start], [iter(sorted(spreads[start]))]
        while pending:
            following = next(pending[-1], None)
            if following is None:
                done = path.pop()
                pending.pop()
                below = [height[name] for name in spreads[done] if name in height]
                height[done] = 1 + max(below, default=0)
            elif following in path:
                return Spreads([*path[path.index(following) :], following], len(path))
            elif following in spreads and following not in height:
                path.append(following)
                pending.append(iter(sorted(spreads[following])))
    return Spreads(None, max(height.values(), default=0))


def _spread_names(selection_set: SelectionSetNode | None) -> Iterator[str]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FragmentSpreadNode):
            yield selection.name.value
        else:
            yield from _spread_names(selection.selection_set)


@dataclass(frozen=True)
class Shape:
    depth: int  # fields nested in fields, the deepest path of any operation
    aliases: int  # aliased fields as executed: a fragment counts at each spread


def measure(document: DocumentNode) -> Shape:
    """Depth and aliases of every operation; the document must hold no fragment cycle."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    memo: dict[str, Shape] = {}

    def of_set(selection_set: SelectionSetNode | None) -> Shape:
        depth = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner = of_set(selection.selection_set)
                depth = max(depth, 1 + inner.depth)
                aliases += inner.aliases + (selection.alias is not None)
            elif isinstance(selection, InlineFragmentNode):
                inner = of_set(selection.selection_set)
                depth, aliases = max(depth, inner.depth), aliases + inner.aliases
            elif isinstance(selection, FragmentSpreadNode):
                inner = of_fragment(selection.name.value)
                depth, aliases = max(depth, inner.depth), aliases + inner.aliases
        return Shape(depth, aliases)

    def of_fragment(name: str) -> Shape:
        if name not in memo:
            fragment = fragments.get(name)
            memo[name] = of_set(fragment.selection_set) if fragment else Shape(0, 0)
        return memo[name]

    shapes = [
        of_set(definition.selection_set)
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    return Shape(
        max((shape.depth for shape in shapes), default=0),
        sum(shape.aliases for shape in shapes),
    )


def nesting(selections: Sequence[Selection], name: str) -> int:
    """How deep fields called `name` nest in each other in `selections` (a field's
    `info.selected_fields`), through fragments: 2 for `children { children { … } }`."""
    deepest = 0
    for selection in selections:
        inner = nesting(selection.selections, name)
        if isinstance(selection, SelectedField) and selection.name == name:
            inner += 1
        deepest = max(deepest, inner)
    return deepest
