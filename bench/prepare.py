"""The city under test: generated once per scale and seed, bulk-imported once into a local
bench instance of its own (or an existing Neo4j named by --neo4j-uri, used as it is)."""

import hashlib
import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import neo4j

from graph.importing.bulk import bulk_import
from graph.store import local_server
from graph.store.local_server import Instance
from graph.synthetic import generate
from server.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# Bolt ports of the bench's own instances; another scale takes the --bolt-port given.
PORTS = {0.01: 7694, 0.1: 7696, 1.0: 7698}
COMPLETE = ".complete"  # written once `generate` has finished
APOC_POM = Path(__file__).parent / "apoc-pom.xml"


@dataclass(frozen=True)
class City:
    scale: float
    seed: int

    @property
    def label(self) -> str:
        return f"{self.scale:g}"

    def folder(self) -> Path:
        return ROOT / ".bench" / f"city-{self.label}-seed{self.seed}"


def generator_version() -> str:
    """A fingerprint of the generator's code: a city cached by another version (which the
    import's checks of today may refuse) is generated, and imported, again."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "graph" / "synthetic").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def identity(city: City) -> str:
    """What a generated city and an instance loaded with it are marked with."""
    return json.dumps({"scale": city.scale, "seed": city.seed, "generator": generator_version()})


def ensure_dataset(city: City, folder: Path) -> Path:
    """The generated city in `folder`, written unless this generator finished one there."""
    marker = folder / COMPLETE
    if not (marker.exists() and marker.read_text() == identity(city)):
        print(f"Generating the city at scale {city.label} into {folder} ...", flush=True)
        for stale in folder.glob("*.csv"):  # a file the generator no longer writes too
            stale.unlink()
        generate(city.scale, city.seed, folder)
        marker.write_text(identity(city))
    return folder


def instance_for(city: City, bolt_port: int | None) -> Instance:
    port = bolt_port or PORTS.get(city.scale)
    if port is None:
        raise SystemExit(f"No bench port for scale {city.label}: pass --bolt-port.")
    small = ("512m", "256m") if city.scale <= 0.001 else ("1g", "1g")
    heap, cache = small if city.scale <= 0.01 else ("2g", "3g" if city.scale < 1 else "4g")
    return Instance(f"bench-{city.label}", port, heap, cache)


def ensure_loaded(city: City, instance: Instance, dataset: Callable[[], Path]) -> bool:
    """Start the instance with the city loaded and APOC installed; True when this call
    started it.

    A marker beside the store names what was imported; any other content (or none) is
    replaced by a fresh bulk import, which needs an empty store: the instance is wiped."""
    if ensure_apoc(instance):
        local_server.stop(instance)  # plugins load at start
    marker = instance.home / "bench-city.json"
    wanted = identity(city)
    if not (marker.exists() and marker.read_text() == wanted):
        local_server.stop(instance)
        for part in ("data", "run"):
            shutil.rmtree(instance.home / part, ignore_errors=True)
        folder = dataset()  # generated only now, when it is to be imported
        print(f"Bulk-importing {folder} into {instance.name} (bolt {instance.bolt_port}) ...")
        bulk_import(instance, folder, Settings().pii_keys)
        marker.write_text(wanted)
    return local_server.start(instance)


def ensure_apoc(instance: Instance) -> bool:
    """APOC core in the instance's plugins/ (@neo4j/graphql needs it); True when added."""
    plugins = instance.home / "plugins"
    if any(plugins.glob("apoc-core-*.jar")):
        return False
    plugins.mkdir(parents=True, exist_ok=True)
    command = [
        "mvn", "-q", "-B", "-f", str(APOC_POM), "dependency:copy-dependencies",
        "-DincludeScope=runtime", f"-DoutputDirectory={plugins}",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"Maven could not fetch APOC:\n{done.stdout}{done.stderr}")
    return True


def has_apoc(uri: str) -> bool:
    """Whether the database has the APOC function @neo4j/graphql formats DateTimes with."""
    with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
        records, _, _ = driver.execute_query(
            "SHOW FUNCTIONS YIELD name WHERE name = 'apoc.date.convertFormat' RETURN count(*) > 0",
            database_="neo4j",
        )
    return records[0][0]


def database_counts(uri: str) -> dict[str, int]:
    """People and households in the database, for the report and as a loaded check."""
    with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
        records, _, _ = driver.execute_query(
            "CALL () { MATCH (n:Person) RETURN count(n) AS people } "
            "CALL () { MATCH (n:Household) RETURN count(n) AS households } "
            "CALL () { MATCH (n:Case) RETURN count(n) AS cases } RETURN *",
            database_="neo4j",
        )
    return dict(records[0])
