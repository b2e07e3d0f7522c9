"""A partial import (a district's changed files, no --replace) recounts the coverage kept
only inside the smallest grid or region holding what it changed, before and after, and
gives the regions above the difference: the audit's full recount agrees every time."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.importing.online import import_dataset
from graph.kept import coverage
from tests.importing.support import write
from tests.party.test_coverage_property import DAYS, START, City, cities, interval
from tests.support import DEMO, TEST_PII_KEYS, Graph

HEADERS = {
    "regions.csv": "code,name,level,parent_code",
    "buildings.csv": "code,grid_code,name,address",
    "households.csv": "id,building_code,door,kind",
    "assignments.csv": "id,role,holder,target,since,until",
    "memberships.csv": "person_id,org_id,kind,since,until",
    "volunteers.csv": "person_id,org_id,since,until",
    "centers.csv": "id,name,level,region_code",
}


def partial(folder: Path, **files: list[str]) -> Path:
    """A dataset of only these files (keyword `households` for households.csv)."""
    texts = {
        f"{name}.csv": "\n".join([HEADERS[f"{name}.csv"], *rows, ""])
        for name, rows in files.items()
    }
    return write(folder, texts)


def recounted_grids(graph: Graph, folder: Path) -> int | None:
    """Import `folder`; how many grids its rebuild recounted (None: none)."""
    totals: dict[str, int] = {}

    def progress(step: str, done: int, total: int) -> None:
        totals[step] = total

    graph.run(lambda db: import_dataset(db, folder, pii_keys=TEST_PII_KEYS, progress=progress))
    return totals.get("grids")


def differences(graph: Graph) -> list[coverage.Difference]:
    return graph.run(lambda db: coverage.audit(db, None)).differences


@pytest.fixture
def demo_graph(empty_graph: Graph) -> Graph:
    empty_graph.run(lambda db: import_dataset(db, DEMO, pii_keys=TEST_PII_KEYS))
    assert differences(empty_graph) == []
    return empty_graph


def test_changes_within_a_community_recount_its_grids_and_correct_the_regions_above(
    demo_graph: Graph, tmp_path: Path
) -> None:
    within_community = partial(
        tmp_path / "community",
        households=["H0001,420602001001-G02-B01,1-102,FAMILY"],  # G01 to G02
        assignments=[
            "A0047,GRID_WORKER,P0156,420602001001-G01,2020-09-01,2025-01-01",  # ends sooner
            "A9001,CENTRAL_HOUSEHOLD,P0261,H0002,2024-03-01,",
        ],
        memberships=["P0002,PO-420602001001,PRIMARY,2025-05-01,"],
        volunteers=["P0003,O001,2024-01-01,"],
    )
    assert recounted_grids(demo_graph, within_community) == 4  # the community's, of 13
    assert differences(demo_graph) == []
    city = demo_graph.cypher(
        "MATCH (r:Region {code: '420600'}) "
        "RETURN r.statsPartyMembers[-1] AS members, r.statsVolunteers[-1] AS volunteers"
    )
    assert city and city[0]["members"] > 0 and city[0]["volunteers"] > 0


def test_a_community_moved_between_townships_recounts_their_county(
    demo_graph: Graph, tmp_path: Path
) -> None:
    moved = partial(tmp_path / "moved", regions=["420602001002,汉水社区,COMMUNITY,420602002000"])
    assert recounted_grids(demo_graph, moved) == 8  # the county's grids
    assert differences(demo_graph) == []
    assert demo_graph.cypher(
        "MATCH (:Region {code: '420602001002'})-[:PART_OF]->(p) RETURN p.code AS parent"
    ) == [{"parent": "420602002000"}]


def test_a_building_moved_across_counties_recounts_the_city(
    demo_graph: Graph, tmp_path: Path
) -> None:
    # Out of a house-yard covered by its leader into a compound: its households' coverage
    # changes with the grid's kind.
    moved = partial(
        tmp_path / "across",
        buildings=["420624100201-G01-B03,420602002001-G01,杨家湾8号,南漳县城关镇清凉河村一组8号"],
    )
    assert recounted_grids(demo_graph, moved) == 13
    assert differences(demo_graph) == []


def test_an_import_changing_nothing_counted_recounts_nothing(
    demo_graph: Graph, tmp_path: Path
) -> None:
    renamed = partial(tmp_path / "renamed", centers=["C-420600,襄阳市综治中心,CITY,420600"])
    assert recounted_grids(demo_graph, renamed) is None
    assert differences(demo_graph) == []
    stale = demo_graph.cypher(f"MATCH (r:Region) WHERE r.{coverage.STALE} RETURN count(r) AS stale")
    assert stale == [{"stale": 0}]


@st.composite
def changes(draw: Callable[[Any], Any], city: City) -> City:
    """What a district's changed files hold: some of the city's records moved or re-dated
    (each row whole, as a file holds it) and some links added."""
    changed = City()

    def some(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        picked = st.lists(st.integers(0, len(rows) - 1), max_size=3, unique=True)
        return [rows[i] for i in draw(picked)] if rows else []

    def any_of(values: list[str]) -> str:
        return draw(st.sampled_from(values))

    places = [r["code"] for r in city.regions if r["level"] in ("COMMUNITY", "VILLAGE")]
    for grid in some(city.grids):
        changed.grids.append({**grid, "region_code": any_of(places)})
    for building in some(city.buildings):
        changed.buildings.append({**building, "grid_code": any_of([g["code"] for g in city.grids])})
    for household in some(city.households):
        building = any_of([b["code"] for b in city.buildings])
        changed.households.append({**household, "building_code": building})
    for person in some(city.people) if city.households else []:
        home = any_of([h["id"] for h in city.households])
        changed.people.append({**person, "household_id": home})
    for n, assignment in enumerate(some(city.assignments)):
        since, until = interval(draw)
        changed.assignments.append({**assignment, "since": since or "", "until": until or ""})
        same_role = [a["target"] for a in city.assignments if a["role"] == assignment["role"]]
        changed.assignments.append({**assignment, "id": f"A-new{n}", "target": any_of(same_role)})
    for facts, into in (
        (city.memberships, changed.memberships),
        (city.volunteers, changed.volunteers),
    ):
        for fact in some(facts):
            if draw(st.booleans()):  # a new period
                since, until = interval(draw)
            else:  # the same period, ending otherwise
                since = fact["since"] or None
                until = (since or START) + timedelta(days=draw(st.integers(1, DAYS)))
            into.append({**fact, "since": since or "", "until": until or ""})
    for organisation in some(city.organisations):
        place = draw(st.sampled_from(city.regions + city.grids))
        region = place.get("region_code", place["code"])  # a grid's region
        grid = place["code"] if "kind" in place else ""
        changed.organisations.append({**organisation, "region_code": region, "grid_code": grid})
    return changed


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_partial_imports_keep_every_figure_the_full_recount_finds(
    graph: Graph, data: st.DataObject
) -> None:
    city = data.draw(cities())
    with TemporaryDirectory() as folder:
        city.write(Path(folder))
        graph.run(lambda db: import_dataset(db, Path(folder), pii_keys=TEST_PII_KEYS, replace=True))
    for _ in range(2):  # the second from what the first kept
        with TemporaryDirectory() as folder:
            data.draw(changes(city)).write(Path(folder))
            if any(Path(folder).iterdir()):
                graph.run(lambda db: import_dataset(db, Path(folder), pii_keys=TEST_PII_KEYS))
        assert differences(graph) == []
