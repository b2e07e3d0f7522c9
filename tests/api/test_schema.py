"""schema.graphql is the exported SDL, and it keeps the core contract."""

import subprocess
import sys
from pathlib import Path

import pytest

from schema import schema

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_CHECK = ROOT.parent / "shared" / "tools" / "contract_check.py"


def test_schema_graphql_is_current() -> None:
    exported = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert exported == schema.as_str() + "\n", "schema.graphql is stale: run `make schema`"


@pytest.mark.skipif(not CONTRACT_CHECK.exists(), reason="../shared is not beside this checkout")
def test_the_core_contract_holds() -> None:
    done = subprocess.run(
        [sys.executable, str(CONTRACT_CHECK), str(ROOT / "schema.graphql")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
