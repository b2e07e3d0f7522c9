"""The generator's meetings and projects (issue #12 items 1-2): a few of each per community
and village a year, as the reference city holds them; every history valid; imported without a
problem, with projectStats equal to an independent count of the files."""

import csv
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from graph import projects
from graph.core.model import PROJECT_NEXT, ProjectState
from graph.importing.online import import_dataset
from graph.synthetic import generate
from graph.synthetic.projects import MEETINGS_PER_PLACE, PROJECTS_PER_PLACE
from tests.support import TEST_PII_KEYS, Graph


def rows(folder: Path, file: str) -> Iterator[dict[str, str]]:
    with (folder / file).open(encoding="utf-8", newline="") as stream:
        yield from csv.DictReader(stream)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    folder = tmp_path_factory.mktemp("city")
    return folder, generate(0.002, 1, folder)  # five places: quick to import


def test_a_few_meetings_and_projects_per_place_and_valid_histories(
    city: tuple[Path, dict[str, int]],
) -> None:
    folder, counts = city
    places = sum(1 for r in rows(folder, "regions.csv") if r["level"] in ("COMMUNITY", "VILLAGE"))
    assert counts["meetings.csv"] == MEETINGS_PER_PLACE * places
    assert counts["projects.csv"] == PROJECTS_PER_PLACE * places
    assert counts["meeting_attendees.csv"] >= counts["meetings.csv"]
    histories: dict[str, list[str]] = {}
    for event in rows(folder, "project_events.csv"):
        histories.setdefault(event["project_id"], []).append(event["state"])
    assert set(histories) == {p["id"] for p in rows(folder, "projects.csv")}
    for states in histories.values():
        assert states[0] == "PROPOSED"
        for before, after in pairwise(states):
            assert PROJECT_NEXT[ProjectState(before)].value == after
    rated = {r["project_id"] for r in rows(folder, "project_evaluations.csv")}
    assert rated and all(histories[p][-1] == "EVALUATED" for p in rated)
    kinds = {m["kind"] for m in rows(folder, "meetings.csv")}
    assert "RED_HOUSEYARD_TALK" in kinds and len(kinds) > 1


def test_generated_projects_import_and_count_as_the_files_say(
    empty_graph: Graph, city: tuple[Path, dict[str, int]]
) -> None:
    folder, counts = city
    report = empty_graph.run(lambda db: import_dataset(db, folder, pii_keys=TEST_PII_KEYS))
    assert report.counts["project_evaluations.csv"] == counts["project_evaluations.csv"]
    figures = empty_graph.run(lambda db: projects.stats(db, "420600", first=None, last=None))
    last = {}
    for event in rows(folder, "project_events.csv"):
        last[event["project_id"]] = event["state"]
    ratings = Counter(r["rating"] for r in rows(folder, "project_evaluations.csv"))
    assert figures.projects == counts["projects.csv"]
    assert {c.state.value: c.projects for c in figures.by_state or [] if c.projects} == dict(
        Counter(last.values())
    )
    assert (figures.satisfied, figures.basically_satisfied, figures.not_satisfied) == (
        ratings["SATISFIED"],
        ratings["BASICALLY_SATISFIED"],
        ratings["NOT_SATISFIED"],
    )
    kinds = Counter(p["kind"] for p in rows(folder, "projects.csv"))
    assert {k.kind.value: k.projects for k in figures.by_kind or [] if k.projects} == dict(kinds)
