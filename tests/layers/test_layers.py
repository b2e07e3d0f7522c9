"""DESIGN §1 as a check that fails the build: calls go down server → schema → resolvers →
loaders → graph, graph/ knows no GraphQL or HTTP, its domain modules never reach into the
import pipeline or the generator, and Cypher is written only in graph/.

The rules read a module graph (who imports what, and whether only for type checking);
each rule is also run on a small made-up graph that breaks it, so that a rule which
could never fire is caught as well."""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("graph", "loaders", "resolvers", "schema", "server")  # bottom to top
GRAPH_TOOLS = ("graph.importing", "graph.synthetic")  # pipelines over the domain modules
WEB = ("strawberry", "fastapi", "starlette")
# A Cypher clause that opens a statement: MATCH (n…, MERGE (n…, CREATE (n… or an index.
CYPHER = re.compile(
    r"\b(?:OPTIONAL\s+)?(?:MATCH|MERGE|CREATE)\s*\(|\bCREATE\s+(?:CONSTRAINT|INDEX)\b"
    r"|\bDETACH\s+DELETE\b|\bUNWIND\s+\$\w+\s+AS\b"
)


@dataclass(frozen=True)
class Import:
    module: str  # the module imported, absolute
    typing_only: bool  # under `if TYPE_CHECKING:`
    line: int


def imports_of(source: str) -> list[Import]:
    found: list[Import] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for statement in child.body:
                    visit_statement(statement, True)
                for statement in child.orelse:
                    visit_statement(statement, typing_only)
            else:
                visit_statement(child, typing_only)

    def visit_statement(node: ast.AST, typing_only: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, typing_only, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(Import(node.module, typing_only, node.lineno))
            found.extend(
                Import(f"{node.module}.{alias.name}", typing_only, node.lineno)
                for alias in node.names
            )
        else:
            visit(node, typing_only)

    visit(ast.parse(source), False)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _layer(module: str) -> int | None:
    for rank, layer in enumerate(LAYERS):
        if _within(module, layer):
            return rank
    return None


def import_violations(graph: dict[str, list[Import]]) -> list[str]:
    """Every import of `graph` (module → its imports) that breaks a rule of DESIGN §1."""
    broken: list[str] = []
    for module, imports in sorted(graph.items()):
        rank = _layer(module)
        for found in imports:
            where = f"{module}:{found.line}"
            target = _layer(found.module)
            if rank is not None and target is not None and target > rank:
                typing_schema = (
                    found.typing_only
                    and LAYERS[rank] in ("resolvers", "loaders")
                    and LAYERS[target] == "schema"
                )
                if not typing_schema:
                    broken.append(f"{where}: a layer above {LAYERS[rank]}/")
            if _within(module, "graph"):
                if any(_within(found.module, web) for web in WEB):
                    broken.append(f"{where}: graph/ knows no GraphQL or HTTP")
                tool = next((t for t in GRAPH_TOOLS if _within(found.module, t)), None)
                own = next((t for t in GRAPH_TOOLS if _within(module, t)), None)
                # The generator writes the import's files; nothing else reaches into them.
                allowed = own == tool or (own, tool) == GRAPH_TOOLS[::-1]
                if tool and not allowed:
                    broken.append(f"{where}: only {tool} itself uses {tool}")
    return list(dict.fromkeys(broken))  # `from a import b` is read as a and as a.b


def cypher_violations(files: dict[str, str]) -> list[str]:
    """String literals that read as Cypher statements, in modules outside graph/."""
    broken: list[str] = []
    for name, source in sorted(files.items()):
        for node in ast.walk(ast.parse(source)):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and CYPHER.search(text):
                broken.append(f"{name}:{node.lineno}: Cypher outside graph/")
    return broken


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(*packages: str) -> dict[str, str]:
    return {
        module_name(path): path.read_text(encoding="utf-8")
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def test_the_code_keeps_the_layers() -> None:
    graph = {module: imports_of(source) for module, source in sources(*LAYERS).items()}
    assert len(graph) > 50 and sum(map(len, graph.values())) > 500  # the tree was read
    assert import_violations(graph) == []


def test_cypher_is_written_only_in_graph() -> None:
    assert cypher_violations(sources("server", "schema", "resolvers", "loaders")) == []
    assert cypher_violations(sources("graph")) != []  # the scan does see Cypher


def graph_of(**modules: str) -> dict[str, list[Import]]:
    """A made-up module graph: `schema__x="import graph.cases"` is module schema.x."""
    return {name.replace("__", "."): imports_of(source) for name, source in modules.items()}


@pytest.mark.parametrize(
    ("modules", "rule"),
    [
        ({"graph__cases": "from resolvers.cases import case"}, "a layer above graph/"),
        ({"loaders__cases": "import resolvers.cases"}, "a layer above loaders/"),
        ({"resolvers__cases": "from schema.cases import Case"}, "a layer above resolvers/"),
        ({"schema__cases": "from server.settings import Settings"}, "a layer above schema/"),
        ({"loaders__places": "def f():\n    from schema import places"}, "above loaders/"),
        (
            {
                "graph__places": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                "    from loaders.places import Loader"
            },
            "a layer above graph/",
        ),
        ({"graph__cases": "import strawberry"}, "knows no GraphQL"),
        ({"graph__core__db": "from fastapi import Request"}, "knows no GraphQL"),
        ({"graph__places": "from graph.importing.csv_files import FILES"}, "graph.importing"),
        ({"graph__core__clock": "from graph.synthetic import TODAY"}, "graph.synthetic"),
        ({"graph__importing__online": "from graph.synthetic import generate"}, "synthetic"),
    ],
)
def test_a_broken_layer_rule_fails(modules: dict[str, str], rule: str) -> None:
    broken = import_violations(graph_of(**modules))
    assert len(broken) == 1 and rule in broken[0], broken


def test_what_the_rules_allow() -> None:
    allowed = graph_of(
        server__app="from schema import schema\nfrom graph.core.db import Database",
        schema__cases="from resolvers import cases",
        resolvers__cases=(
            "from typing import TYPE_CHECKING\nfrom loaders.cases import CaseLoader\n"
            "if TYPE_CHECKING:\n    from schema.cases import Case"
        ),
        loaders__cases="from graph import cases",
        graph__synthetic__files="from graph.importing.csv_files import FILES",
        graph__importing__online="from graph import cases\nfrom graph.core.db import Database",
    )
    assert import_violations(allowed) == []


@pytest.mark.parametrize(
    "statement",
    [
        "MATCH (p:Person {id: $id}) RETURN p",
        "OPTIONAL MATCH (g)<-[:IN]-(b:Building)",
        "MERGE (r:Region {code: $code})",
        "CREATE (e:Event)",
        "CREATE CONSTRAINT person_id IF NOT EXISTS",
        "UNWIND $rows AS row SET n += row",
        "MATCH (n) DETACH DELETE n",
    ],
)
def test_cypher_outside_graph_fails(statement: str) -> None:
    module = f"QUERY = {statement!r}\n"
    assert cypher_violations({"resolvers.cases": module}) == [
        "resolvers.cases:1: Cypher outside graph/"
    ]


def test_words_that_merely_look_like_cypher_pass() -> None:
    prose = '"""Match the create date; merge the two lists (in order)."""\nX = "MATCHES"\n'
    assert cypher_violations({"schema.cases": prose}) == []
