"""requirements.lock pins every Python package with its hashes, and is current: `make lock`
(which prefers the versions already pinned) writes it again unchanged. Needs PyPI."""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", re.MULTILINE)


def pins(text: str) -> dict[str, str]:
    return {name.lower(): version for name, version in PIN.findall(text)}


def test_the_lock_file_is_complete_hashed_and_current(tmp_path: Path) -> None:
    committed = (ROOT / "requirements.lock").read_text()
    requirements = [block for block in committed.split("\n") if PIN.match(block)]
    assert len(requirements) > 50
    assert all(line.rstrip().endswith("\\") for line in requirements)  # a hash follows each
    assert committed.count("--hash=sha256:") >= len(requirements)
    for package in (
        "strawberry-graphql",
        "fastapi",
        "neo4j",
        "orjson",
        "prometheus-client",
        "setuptools",
    ):
        assert package in pins(committed)

    fresh = tmp_path / "requirements.lock"
    shutil.copy(ROOT / "requirements.lock", fresh)
    made = subprocess.run(
        ["make", "lock", f"LOCK={fresh}"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert made.returncode == 0, made.stderr
    assert pins(fresh.read_text()) == pins(committed), "run `make lock` and commit the lock file"
