"""The synthetic city: a seed always writes the same files, they import without a
problem, they hold Xiangyang's figures times the scale, and memory does not grow with
the scale."""

import csv
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.importing.online import import_dataset
from graph.stats import stats
from graph.synthetic import TODAY, XIANGYANG, generate
from server.cli import app
from tests.support import TEST_PII_KEYS, Graph


def contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def rows(folder: Path, file: str) -> Iterator[dict[str, str]]:
    with (folder / file).open(encoding="utf-8", newline="") as stream:
        yield from csv.DictReader(stream)


def active(row: dict[str, str]) -> bool:
    today = TODAY.isoformat()
    return (not row["since"] or row["since"] <= today) and (
        not row["until"] or today < row["until"]
    )


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("city")
    return folder, generate(0.01, 1, folder)


def test_a_seed_always_writes_the_same_files_and_another_seed_others(tmp_path: Path) -> None:
    counts = generate(0.001, 7, tmp_path / "a")
    assert generate(0.001, 7, tmp_path / "b") == counts
    assert contents(tmp_path / "a") == contents(tmp_path / "b")
    generate(0.001, 8, tmp_path / "c")
    different = contents(tmp_path / "c")
    assert different["people.csv"] != contents(tmp_path / "a")["people.csv"]


def test_the_city_has_xiangyangs_figures_times_the_scale(
    city: tuple[Path, dict[str, int]],
) -> None:
    folder, counts = city
    scale = 0.01

    def expected(figure: str) -> int:
        return round(XIANGYANG[figure] * scale)

    assert counts["people.csv"] == expected("people")
    assert counts["households.csv"] == expected("households")
    assert counts["cases.csv"] == expected("cases")
    stations = [row["kind"] for row in rows(folder, "stations.csv")]
    assert stations.count("RED_STATION") == expected("red_stations")
    assert stations.count("CANTEEN") == expected("canteens")
    grids = [row["kind"] for row in rows(folder, "grids.csv")]
    assert grids.count("COMPOUND") == expected("compounds")
    assert len(grids) == pytest.approx(expected("grids"), rel=0.1)

    assignments = [row for row in rows(folder, "assignments.csv") if active(row)]
    central = {row["holder"] for row in assignments if row["role"] == "CENTRAL_HOUSEHOLD"}
    assert len(central) == pytest.approx(expected("central_households"), rel=0.15)
    groups = {
        row["id"] for row in rows(folder, "party_orgs.csv") if row["level"] == "BUILDING_GROUP"
    }
    covered = {row["target"] for row in assignments if row["holder"] in groups}
    assert len(covered) == pytest.approx(expected("building_groups"), rel=0.1)
    memberships = [row for row in rows(folder, "memberships.csv") if active(row)]
    dual = {row["person_id"] for row in memberships if row["kind"] == "DUAL_REPORT"}
    assert len(dual) == expected("dual_reporters")
    members = {row["person_id"] for row in memberships}
    assert len(members) == pytest.approx(expected("party_members"), rel=0.1)


def test_resident_id_numbers_are_unique_and_birthdays_spread(
    city: tuple[Path, dict[str, int]],
) -> None:
    folder, counts = city
    numbers = [row["id_number"] for row in rows(folder, "people.csv")]
    assert len(set(numbers)) == len(numbers) == counts["people.csv"]
    # Characters 7 to 14 are the birth date: no day is everyone's (nor this year's last).
    busiest = Counter(number[6:14] for number in numbers).most_common(1)[0][1]
    assert busiest < 40


def test_the_city_leaves_a_few_percent_uncovered(city: tuple[Path, dict[str, int]]) -> None:
    folder, counts = city
    assignments = [row for row in rows(folder, "assignments.csv") if active(row)]
    covered = {row["target"] for row in assignments if row["role"] == "BUILDING_GROUP"}
    linked = {row["target"] for row in assignments if row["role"] == "CENTRAL_HOUSEHOLD"}
    led = {row["target"] for row in assignments if row["role"] == "HOUSEYARD_LEADER"}
    grid_of = {row["code"]: row["grid_code"] for row in rows(folder, "buildings.csv")}
    uncovered_households = sum(
        1
        for row in rows(folder, "households.csv")
        if row["id"] not in linked and grid_of[row["building_code"]] not in led
    )
    assert 0.02 < 1 - len(covered) / counts["buildings.csv"] < 0.08
    assert 0.02 < uncovered_households / counts["households.csv"] < 0.08


@pytest.mark.parametrize("scale", [0.001, 0.01])
def test_the_city_imports_without_a_problem(
    empty_graph: Graph, tmp_path: Path, city: tuple[Path, dict[str, int]], scale: float
) -> None:
    folder, counts = city if scale == 0.01 else (tmp_path, generate(scale, 1, tmp_path))
    report = empty_graph.run(lambda db: import_dataset(db, folder, pii_keys=TEST_PII_KEYS))
    assert dict(report.counts) == counts
    # The city's own scope holds everything the generator wrote (issue 5, item 3).
    figures = empty_graph.run(lambda db: stats(db, "420600", TODAY))
    assert figures == empty_graph.run(lambda db: stats(db, None, TODAY))
    assert (figures.regions, figures.grids, figures.buildings) == (
        counts["regions.csv"],
        counts["grids.csv"],
        counts["buildings.csv"],
    )
    assert (figures.people, figures.households, figures.cases) == (
        counts["people.csv"],
        counts["households.csv"],
        counts["cases.csv"],
    )


def test_memory_does_not_grow_with_the_scale(tmp_path: Path) -> None:
    def peak(scale: float) -> int:
        tracemalloc.start()
        try:
            generate(scale, 1, tmp_path / str(scale))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    # Ten times as many people, in places of the same sizes, and the same memory.
    assert peak(0.01) < 1.5 * peak(0.001)


def test_the_command_writes_the_files_and_prints_their_rows(tmp_path: Path) -> None:
    done = CliRunner().invoke(
        app, ["generate", "--scale", "0.001", "--seed", "3", "--out", str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    assert "people.csv" in done.output and "5,261" in done.output
    assert (tmp_path / "case_events.csv").is_file()


def test_the_rest_of_the_network_has_the_reference_citys_figures(
    city: tuple[Path, dict[str, int]],
) -> None:
    """Issue #12 item 7: red house-yards of at most 30 households, building leaders beside
    the central households, about a million volunteers and 3,000 social organisations at
    scale 1, 38,000 disputes among the cases, visits and ratings."""
    folder, counts = city
    scale = 0.01
    grids = {row["code"]: row["kind"] for row in rows(folder, "grids.csv")}
    yard_of = {
        row["code"]: row["grid_code"]
        for row in rows(folder, "buildings.csv")
        if grids[row["grid_code"]] == "HOUSEYARD"
    }
    yards = Counter(
        yard_of[row["building_code"]]
        for row in rows(folder, "households.csv")
        if row["building_code"] in yard_of
    )
    assert yards and max(yards.values()) <= 30
    assert sum(size >= 10 for size in yards.values()) / len(yards) > 0.95
    assignments = list(rows(folder, "assignments.csv"))
    leaders = {row["holder"] for row in assignments if row["role"] == "BUILDING_LEADER"}
    central = {row["holder"] for row in assignments if row["role"] == "CENTRAL_HOUSEHOLD"}
    assert leaders and not leaders & central
    volunteers = {row["person_id"] for row in rows(folder, "volunteers.csv") if active(row)}
    assert len(volunteers) == pytest.approx(XIANGYANG["volunteers"] * scale, rel=0.15)
    social = [row for row in rows(folder, "organisations.csv") if row["kind"] == "SOCIAL_ORG"]
    assert len(social) == pytest.approx(XIANGYANG["social_organisations"] * scale, rel=0.05)
    disputes = [row for row in rows(folder, "cases.csv") if row["category"] == "DISPUTE"]
    assert len(disputes) == pytest.approx(38_000 * scale, rel=0.1)
    assert {row["source"] for row in disputes} == {"REPORTED", "PROACTIVE_SEARCH"}
    assert counts["visits.csv"] > 0 and counts["evaluations.csv"] > 0
