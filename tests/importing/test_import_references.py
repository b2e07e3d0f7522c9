"""The dataset import (../shared/contract/import.md). Keys and references, within the
dataset and into the database: duplicates, missing records, region codes and levels,
cycles, and what assignments may hold and target."""

from pathlib import Path

import pytest

from graph.core.db import Database
from graph.importing.checks import validate
from tests.importing.support import (
    BASE,
    DEMO,
    dump,
    edited,
    errors_of,
    import_ok,
    one,
    plus,
    rejected,
    write,
)
from tests.support import TEST_CHAIN, Graph

# ------------------------------------------------------------------ keys and references


def test_duplicate_keys_within_a_file(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        grids=plus("grids", "G1,重复,420602001001,BASIC"),
        memberships=plus("memberships", "P1,PO2,PRIMARY,2015-07-01,2020-01-01"),
        assignments=plus(
            "assignments", "A1,GRID_WORKER,P3,G1,,", ",CENTRAL_HOUSEHOLD,P1,H2,2022-01-01,"
        ),
        stations=plus("stations", "S2,又一个,OTHER,420602,,"),
    )
    assert errors == [
        "grids.csv:4: column code: the same code as line 2; each appears once",
        "memberships.csv:4: column person_id: the same person_id, org_id, kind and since as "
        "line 2; each appears once",
        "assignments.csv:6: column id: the same id as line 2; each appears once",
        "assignments.csv:7: column id: the same role, holder, target and since (which identify a "
        "row without an id) as line 4; each appears once",
        "stations.csv:4: column id: the same id as line 3; each appears once",
    ]


def test_a_reference_to_nothing(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        buildings=plus("buildings", "B3,G9,,"),
        organisations=plus("organisations", "O3,某队,OTHER,420602,C9"),
        case_events=plus("case_events", "K9,2026-01-06T11:00:00+08:00,ACCEPT,P9,,"),
    )
    assert errors == [
        "buildings.csv:4: column grid_code: no grid G9 in grids.csv or in the database",
        "organisations.csv:4: column center_id: no governance centre C9 in centers.csv or in "
        "the database",
        "case_events.csv:8: column case_no: no case K9 in cases.csv or in the database",
        "case_events.csv:8: column actor_id: no person P9 in people.csv or in the database",
    ]


def test_region_codes(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        regions=plus(
            "regions",
            "4206021,七位,COMMUNITY,420602001000",
            "XY-新区,新区,COUNTY,420600",
            "XY-east-1,东区,COUNTY,420600",
        ),
    )
    message = (
        "is not a region code; use the 6-digit (GB/T 2260) or 12-digit official code, or a "
        "code of letters, digits and '-' with at least one letter"
    )
    assert errors == [
        f"regions.csv:7: column code: 4206021 {message}",
        f"regions.csv:8: column code: XY-新区 {message}",
    ]


def test_a_regions_parent_exists_and_is_higher(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        regions=plus(
            "regions",
            "420602001002,汉水社区,COMMUNITY,420602001201",
            "420602002000,古城街道,TOWNSHIP,420699",
            "420602003000,檀溪街道,CITY,420602",
        ),
    )
    assert errors == [
        "regions.csv:7: column parent_code: the parent is a VILLAGE, not above a COMMUNITY; a "
        "parent "
        "is of a higher level (CITY, then COUNTY, TOWNSHIP, then COMMUNITY or VILLAGE)",
        "regions.csv:8: column parent_code: no region 420699 in regions.csv or in the database",
        "regions.csv:9: column parent_code: the parent is a COUNTY, not above a CITY; a parent is "
        "of a higher level (CITY, then COUNTY, TOWNSHIP, then COMMUNITY or VILLAGE)",
    ]


def test_regions_in_a_cycle(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        regions=plus("regions", "XY-A,甲,COUNTY,XY-B", "XY-B,乙,COUNTY,XY-A"),
    )
    assert errors == [
        "regions.csv:7: column parent_code: the parents form a cycle: XY-A → XY-B → XY-A; one "
        "must be the top",
        "regions.csv:8: column parent_code: the parents form a cycle: XY-A → XY-B → XY-A; one "
        "must be the top",
    ]


def test_party_organisations_in_a_cycle(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        party_orgs=edited("party_orgs", "COMMITTEE,420602001001,", "COMMITTEE,420602001001,PO3"),
    )
    cycle = "the parents form a cycle: PO1 → PO3 → PO2 → PO1; one must be the top"
    assert errors == [f"party_orgs.csv:{line}: column parent_id: {cycle}" for line in (2, 3, 4)]


def test_a_grid_lies_in_a_community_or_village(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(empty_graph, tmp_path, grids=plus("grids", "G3,街道网格,420602001000,BASIC"))
    assert errors == [
        "grids.csv:4: column region_code: the region is a TOWNSHIP; a grid lies in a COMMUNITY "
        "or a VILLAGE"
    ]


def test_assignment_holders_and_targets_follow_the_role(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        assignments=plus(
            "assignments",
            "A5,GRID_WORKER,PO2,G1,,",
            "A6,BUILDING_GROUP,PO3,H1,,",
            "A7,HOUSEYARD_LEADER,P2,G1,,",
        ),
    )
    assert errors == [
        "assignments.csv:6: column holder: no person PO2 in people.csv or in the database; "
        "GRID_WORKER is held by a person and targets a grid code",
        "assignments.csv:7: column target: no building H1 in buildings.csv or in the database; "
        "BUILDING_GROUP is held by a party organisation and targets a building code",
        "assignments.csv:8: column target: the grid is a COMPOUND grid; HOUSEYARD_LEADER is held "
        "by a person and targets the code of a HOUSEYARD grid",
    ]


# ------------------------------------------------------------------ the database as reference


PART_ONE = (
    "regions.csv",
    "grids.csv",
    "buildings.csv",
    "households.csv",
    "people.csv",
    "party_orgs.csv",
    "centers.csv",
    "organisations.csv",
    "cases.csv",
)


def test_references_into_the_database(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "one", {name: BASE[name] for name in PART_ONE}))
    rest = {name: text for name, text in BASE.items() if name not in PART_ONE}
    folder = write(tmp_path / "two", rest)

    async def checked_with_statements(db: Database) -> tuple[list[str], int]:
        checked = await validate(db, folder, replace=False, chain=TEST_CHAIN)
        return checked.problems, db.statements

    problems, statements = empty_graph.run(checked_with_statements)
    assert problems == []
    # One look-up per label referred to: Region, Grid, Building, Household, Person,
    # PartyOrganization, GovernanceCenter, Organisation and Case.
    assert statements == 9
    import_ok(empty_graph, folder)
    assert one(
        empty_graph, "MATCH (c:Case {caseNo: 'K1'}) RETURN c.state AS s, c.lastSeq AS n"
    ) == {"s": "CLOSED", "n": 6}
    assert empty_graph.cypher(
        "MATCH (a:Assignment)-[:TARGETS]->(:Household {id: 'H2'}) RETURN count(a) AS n"
    ) == [{"n": 1}]


def test_the_database_answers_kinds_levels_and_cycles(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "one", BASE))
    folder = write(
        tmp_path / "two",
        {
            "grids.csv": "code,name,region_code,kind\nG3,街道网格,420602001000,BASIC\n",
            "assignments.csv": "id,role,holder,target,since,until\nA9,HOUSEYARD_LEADER,P1,G1,,\n",
            "party_orgs.csv": "id,name,level,region_code,parent_id\n"
            "PO1,凤鸣社区党委,COMMUNITY_COMMITTEE,420602001001,PO3\n",
        },
    )
    assert rejected(empty_graph, folder) == [
        "grids.csv:2: column region_code: the region is a TOWNSHIP; a grid lies in a COMMUNITY "
        "or a VILLAGE",
        "party_orgs.csv:2: column parent_id: the parents form a cycle: PO1 → PO3 → PO2 → PO1; "
        "one must be the top",
        "assignments.csv:2: column target: the grid is a COMPOUND grid; HOUSEYARD_LEADER is "
        "held by "
        "a person and targets the code of a HOUSEYARD grid",
    ]


def test_with_replace_only_the_dataset_counts(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "one", BASE))
    folder = write(tmp_path / "two", {"volunteers.csv": BASE["volunteers.csv"]})
    assert rejected(empty_graph, folder, replace=True) == [
        "volunteers.csv:2: column person_id: no person P3 in people.csv",
        "volunteers.csv:2: column org_id: no organisation O1 in organisations.csv",
    ]
    import_ok(empty_graph, folder)  # without --replace the database holds them


def test_a_folder_without_dataset_files(empty_graph: Graph, tmp_path: Path) -> None:
    errors = rejected(empty_graph, tmp_path)
    assert len(errors) == 1 and "holds none of the files the import reads" in errors[0]


@pytest.mark.skipif(not (DEMO / "regions.csv").exists(), reason="no demo dataset yet")
def test_the_demo_dataset_imports(empty_graph: Graph) -> None:
    report = import_ok(empty_graph, DEMO)
    assert report.total > 0
    once = dump(empty_graph)
    import_ok(empty_graph, DEMO)
    assert dump(empty_graph) == once
