"""One root field's selection as one Cypher statement whose row is the answer.

Each object of the answer is a list of its values in the selection's order (made a
dict by its `Obj` shape afterwards); each link read on it is a `CALL` subquery
importing only its variable, which follows the walk that the domain module declares
from that node (the walk's look-up of its parent by key becomes the node itself),
filters what the reader may not see with the walk's or look-up's predicate, orders,
limits to `first` + 1 for a page, walks on from the first `first` only, and collects.
The walks' own names (`n`, `parent`, `a` …) never clash: each subquery sees only what
it imports. A page's `totalCount` is a `count` subquery of its own, present only when
selected. What Cypher cannot make (cursors, DateTimes in ISO form, a history's seals
checked: `Computed`) is marked in the shape and made from the row afterwards, for those
values only, with what the caller gives in a `Finish`.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.case_machine import CaseChain
from graph.core.batch import Walk
from graph.plan.catalogue import KINDS, Computed, Link
from graph.plan.select import NotCompiled, Select

# How a value of the row becomes the answer's: an object is a Cypher list of its values
# in the order of the selection (Neo4j does not keep a map's order), made a dict with
# `Obj.keys`; "cursor" and "time" are an order key to encode and a DateTime to write; a
# `Computed` is made by its function.
Shape = "Obj | Many | Computed | str | None"


@dataclass(frozen=True)
class Finish:
    """What the caller gives for the values made after the statement: how it encodes a
    cursor, and the chain that checks case histories (under the server's key)."""

    cursor: Callable[[Any], str]
    chain: CaseChain


# What a guarded list holds instead of its items when one fails its guard.
UNREADABLE = "unreadable"


class Unreadable(Exception):
    """The answer holds what the resolvers answer with an error: they take the request."""


@dataclass(frozen=True)
class Obj:
    keys: tuple[str, ...]
    inner: tuple[Shape, ...]  # per key: what to make of its value (None: as it is)


@dataclass(frozen=True)
class Many:
    item: Shape


@dataclass
class Statement:
    cypher: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    shape: Shape = None
    _names: int = 0

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def name(self, prefix: str) -> str:
        self._names += 1
        return f"{prefix}{self._names}"


@dataclass(frozen=True)
class Built:
    calls: tuple[str, ...]  # CALL subqueries that the projection reads
    projection: str  # a list literal, the object's values in the selection's order
    shape: Obj


# What every statement is given by Database.read: the reader's scope and id.
_READER = frozenset({"scope", "me"})


def _bound(text: str, params: Mapping[str, Any], statement: Statement) -> str:
    """The walk's parameters (`$asOf`, `$kind`, `$from` …) as this field's own."""
    names: dict[str, str] = {}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in params:
            if name not in names:
                names[name] = statement.param(params[name])
            return names[name]
        if name in _READER or name in statement.params:  # the root's own, by their names
            return match.group(0)
        raise NotCompiled(f"the walk reads ${name}, which the field does not give")

    return re.sub(r"\$(\w+)\b", value, text)


def build(statement: Statement, kind_name: str, var: str, *, selects: tuple[Select, ...]) -> Built:
    """The projection of the object bound to `var`, and the subqueries it needs."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise NotCompiled(f"no plan for {kind_name}")
    calls: list[str] = []
    values: list[str] = []
    inner: list[Shape] = []
    for select in selects:
        shape: Shape = None
        if select.field == "__typename":
            value = statement.param(kind_name)
        elif select.field in kind.fields:
            value = kind.fields[select.field].replace("{}", var)
            shape = "time" if select.field in kind.times else None
        elif select.field in kind.links:
            value, link_calls, shape = _link(
                statement, var, kind.links[select.field], select=select
            )
            calls.extend(link_calls)
        elif select.field in kind.computed:
            shape = kind.computed[select.field]
            value, call = _computed(statement, var, shape)
            calls.append(call)
        else:
            raise NotCompiled(f"{kind_name}.{select.field} is answered by resolvers")
        values.append(value)
        inner.append(shape)
    keys = tuple(select.key for select in selects)
    return Built(tuple(calls), "[" + ", ".join(values) + "]", Obj(keys, tuple(inner)))


def _link(
    statement: Statement, var: str, link: Link, *, select: Select
) -> tuple[str, list[str], Shape]:
    """The value of a link (an expression) and the subqueries that make it."""
    result = statement.name("r")
    if link.shape == "one" and link.walk is not None:  # the one map the walk projects
        inner = statement.name("v")
        built = build(statement, link.kind, inner, selects=select.children)
        start, walk_match = from_node(var, link.walk.match)
        params = link.params(select.args)
        walk = f"""{walk_match} WITH n WHERE {link.walk.visible}
  WITH n {{{link.walk.projection}}} AS {inner}"""
        call = f"""CALL ({var}) {{
  {start} {_bound(walk, params, statement)}
  {" ".join(built.calls)}
  RETURN head(collect({built.projection})) AS {result}
}}"""
        return result, [call], built.shape
    if link.shape == "one":
        assert link.lookup is not None
        inner = statement.name("v")
        built = build(statement, link.kind, inner, selects=select.children)
        call = f"""CALL ({var}) {{
  {link.source.replace("{}", var)} WHERE {link.lookup.visible}
  WITH n AS {inner} LIMIT 1
  {" ".join(built.calls)}
  RETURN head(collect({built.projection})) AS {result}
}}"""
        return result, [call], built.shape
    assert link.walk is not None
    start, walk_match = from_node(var, link.walk.match)
    params = link.params(select.args)
    match = _bound(f"{walk_match} WITH DISTINCT n WHERE {link.walk.visible}", params, statement)
    if link.shape == "flag":
        call = f"""CALL ({var}) {{
  {start} {match} WITH n LIMIT 1
  RETURN count(n) > 0 AS {result}
}}"""
        return result, [call], None
    if link.shape == "list":
        inner = statement.name("v")
        built = build(statement, link.kind, inner, selects=select.children)
        collected = f"collect({built.projection})"
        if link.guard:
            readable = link.guard.replace("{}", "x")
            collected = (
                f"CASE WHEN all(x IN collect({inner}) WHERE {readable}) "
                f"THEN {collected} ELSE {statement.param(UNREADABLE)} END"
            )
        call = f"""CALL ({var}) {{
  {start} {match}
  WITH n AS {inner} ORDER BY {inner}.{link.walk.order_key}
  {" ".join(built.calls)}
  RETURN {collected} AS {result}
}}"""
        return result, [call], Many(built.shape)
    return page(
        statement,
        imports=var,
        start=start,
        match=walk_match,
        walk=link.walk,
        kind=link.kind,
        select=select,
        params=params,
    )


def _computed(statement: Statement, var: str, computed: Computed) -> tuple[str, str]:
    """The value a `Computed` is made from: its facts, then its walk's rows in order."""
    rows = statement.name("r")
    start, match = from_node(var, computed.walk.match)
    call = f"""CALL ({var}) {{
  {start} {match}
  WITH n ORDER BY n.{computed.walk.order_key}
  RETURN collect(n {{{computed.walk.projection}}}) AS {rows}
}}"""
    return f"[{computed.facts.replace('{}', var)}, {rows}]", call


# How every walk begins: the parent looked up by its key, `parent`.
_PARENT = re.compile(r"\((\w*):\w+ \{\w+: parent\}\)")


def from_node(var: str, match: str) -> tuple[str, str]:
    """The walk begun at the node bound to `var` rather than looked up again by its key
    (the same node: keys are unique): what binds it, and the walk."""
    found = _PARENT.search(match)
    if found is None:
        raise NotCompiled("a walk that does not begin at its parent's key")
    name = found.group(1) or "parent"
    return f"WITH {var} AS {name}", f"{match[: found.start()]}({name}){match[found.end() :]}"


def page(
    statement: Statement,
    *,
    imports: str,
    start: str,
    match: str,
    walk: Walk,
    kind: str,
    select: Select,
    params: Mapping[str, Any],
) -> tuple[str, list[str], Shape]:
    """A connection: one subquery for its page (`first` + 1 nodes after `after`, ordered
    by the walk's key, of which the first `first` are shown and walked further; the one
    more tells `hasNextPage`), and one for `totalCount` when it is selected. `start`
    binds what `match` (the walk, with `params`) begins at. Each row of the page is a
    list: the order key, then the node once per field that shows it. A connection of
    which only `totalCount` (or `__typename`) is selected walks no page."""
    rows = statement.name("r")
    more = statement.name("m")
    item = statement.name("v")
    key = walk.order_key
    match = _bound(match, params, statement)
    visible = _bound(walk.visible, params, statement)
    slots = [f"{item}.{key}"]  # the row of one node of the page
    slot_calls: list[str] = []
    values: list[str] = []
    inner: list[Shape] = []
    calls: list[str] = []
    counted: str | None = None
    paged = False  # nodes, edges or pageInfo read the page

    def node(children: tuple[Select, ...]) -> tuple[str, Shape]:
        built = build(statement, kind, item, selects=children)
        slot_calls.extend(built.calls)
        slots.append(built.projection)
        return f"x[{len(slots) - 1}]", built.shape

    def typename(name: str) -> str:
        return statement.param(name)

    for part in select.children:
        shape: Shape = None
        paged = paged or part.field in ("nodes", "edges", "pageInfo")
        if part.field == "__typename":
            value = typename(f"{kind}Connection")
        elif part.field == "nodes":
            slot, node_shape = node(part.children)
            value, shape = f"[x IN {rows} | {slot}]", Many(node_shape)
        elif part.field == "edges":
            edge: list[str] = []
            edge_shapes: list[Shape] = []
            for field in part.children:
                edge_shape: Shape = None
                if field.field == "__typename":
                    edge.append(typename(f"{kind}Edge"))
                elif field.field == "cursor":
                    edge.append("x[0]")
                    edge_shape = "cursor"
                elif field.field == "node":
                    slot, edge_shape = node(field.children)
                    edge.append(slot)
                else:
                    raise NotCompiled(f"edges.{field.field}")
                edge_shapes.append(edge_shape)
            value = f"[x IN {rows} | [{', '.join(edge)}]]"
            shape = Many(Obj(tuple(f.key for f in part.children), tuple(edge_shapes)))
        elif part.field == "pageInfo":
            info: list[str] = []
            info_shapes: list[Shape] = []
            for field in part.children:
                info_shape: Shape = None
                if field.field == "__typename":
                    info.append(typename("PageInfo"))
                elif field.field == "hasNextPage":
                    info.append(more)
                elif field.field == "endCursor":
                    info.append(f"last({rows})[0]")
                    info_shape = "cursor"
                else:
                    raise NotCompiled(f"pageInfo.{field.field}")
                info_shapes.append(info_shape)
            value = f"[{', '.join(info)}]"
            shape = Obj(tuple(f.key for f in part.children), tuple(info_shapes))
        elif part.field == "totalCount":
            if counted is None:
                counted = statement.name("r")
                calls.append(f"""CALL ({imports}) {{
  {start} {match}
  WITH DISTINCT n WHERE {visible}
  RETURN count(n) AS {counted}
}}""")
            value = counted
        else:
            raise NotCompiled(f"connection field {part.field}")
        values.append(value)
        inner.append(shape)
    keys = tuple(part.key for part in select.children)
    answer = "[" + ", ".join(values) + "]", calls, Obj(keys, tuple(inner))
    if not paged:
        return answer
    size = statement.param(select.args["first"])
    after = statement.param(select.args["after"])
    limit = statement.param(select.args["first"] + 1)
    calls.insert(
        0,
        f"""CALL ({imports}) {{
  {start} {match}
  WITH DISTINCT n WHERE ({after} IS NULL OR n.{key} > {after}) AND {visible}
  WITH n ORDER BY n.{key} LIMIT {limit}
  WITH collect(n) AS found
  CALL (found) {{
    UNWIND found[..{size}] AS {item}
    {" ".join(slot_calls)}
    RETURN collect([{", ".join(slots)}]) AS {rows}
  }}
  RETURN {rows}, size(found) > {size} AS {more}
}}""",
    )
    return answer
