"""The house rule "keyword-only past three parameters" as a check that fails the build:
no function in the code takes more than three parameters by position (`self` and `cls`
not counted); the rest follow a `*`, so every call names them.

Strawberry resolvers are held to the rule too, with no exemption: Strawberry passes
`info`, the parent and every GraphQL argument by keyword (only `self` goes by position),
so `def field(self, info, within, as_of, *, first, after)` serves the same schema as the
all-positional form. tests/ is left out: pytest hands fixtures and parameters over by name,
and a test function is never called by hand."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("graph", "resolvers", "loaders", "schema", "server", "bench")
MOST = 3


def positional_violations(files: dict[str, str]) -> list[str]:
    """Every function def in `files` (name → source) taking more than MOST parameters by
    position, the first one not counted when it is `self` or `cls`."""
    broken: list[str] = []
    for name, source in sorted(files.items()):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                positional = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
                if positional[:1] in (["self"], ["cls"]):
                    positional = positional[1:]
                if len(positional) > MOST:
                    broken.append(
                        f"{name}:{node.lineno}: {node.name}({', '.join(positional)}) takes "
                        f"{len(positional)} by position; put a `*` after the first {MOST}"
                    )
    return broken


def test_no_function_takes_more_than_three_by_position() -> None:
    files = {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert len(files) > 50  # the tree was read
    assert positional_violations(files) == []


@pytest.mark.parametrize(
    "source",
    [
        "def f(a, b, c, d): pass",
        "async def f(db, walk, parents, params=None): pass",
        "def f(a, b, c, d, /): pass",
        "def f(a, b, /, c, d, *, e): pass",
        "class C:\n    def m(self, a, b, c, d): pass",
        "class C:\n    @classmethod\n    def m(cls, a, b, c, d): pass",
        "def outer():\n    def inner(a, b, c, d, *args): pass",
        "@strawberry.field\nasync def f(self, info, within, as_of, first=None): pass",
    ],
)
def test_four_by_position_fail(source: str) -> None:
    broken = positional_violations({"graph/x.py": source})
    assert len(broken) == 1 and "takes 4 by position" in broken[0], broken


@pytest.mark.parametrize(
    "source",
    [
        "def f(a, b, c): pass",
        "def f(tx, a, *, b, c, d): pass",
        "async def f(db, walk, parents, *, params=None): pass",
        "def f(a, b, c, *args, **kwargs): pass",
        "class C:\n    def m(self, a, b, c, *, d): pass",
        "class C:\n    async def f(self, info, within, as_of=None, *, first, after): pass",
        "lambda a, b, c, d: a",
    ],
)
def test_three_by_position_and_the_rest_by_name_pass(source: str) -> None:
    assert positional_violations({"graph/x.py": source}) == []
