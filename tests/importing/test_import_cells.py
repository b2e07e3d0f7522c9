"""The dataset import (../shared/contract/import.md). Cells: required ones, dates and
times, periods, enumerations and people's cells."""

from datetime import date
from pathlib import Path

from tests.importing.support import ID_NUMBER, errors_of, plus
from tests.support import Graph

# ------------------------------------------------------------------ cells


def test_a_required_cell_that_is_empty(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(empty_graph, tmp_path, centers=plus("centers", "C3,,CITY,420600"))
    assert errors == ["centers.csv:4: column name: is empty; a value is required"]


def test_dates_and_datetimes(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        memberships=plus("memberships", "P3,PO1,PRIMARY,2015/07/01,", "P3,PO2,PRIMARY,2015-02-30,"),
        cases=plus("cases", "K3,t,DISPUTE,G1,2026-01-05,,"),
    )
    assert errors == [
        'memberships.csv:4: column since: "2015/07/01" is not a date; expected YYYY-MM-DD, '
        "such as 2024-03-01",
        'memberships.csv:5: column since: "2015-02-30" is not a date; expected YYYY-MM-DD, '
        "such as 2024-03-01",
        'cases.csv:4: column reported_at: "2026-01-05" is not a date and time; expected ISO 8601 '
        "such as 2024-03-01T09:30:00+08:00 (without an offset it is Asia/Shanghai time)",
    ]


def test_since_must_come_before_until(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        volunteers=plus("volunteers", "P1,O1,2020-01-01,2020-01-01"),
        assignments=plus("assignments", "A5,GRID_WORKER,P3,G1,2022-01-01,2021-01-01"),
    )
    assert errors == [
        "assignments.csv:6: column until: 2021-01-01 is not after since 2022-01-01; a period "
        "ends after it begins",
        "volunteers.csv:3: column until: 2020-01-01 is not after since 2020-01-01; a period "
        "ends after it begins",
    ]


def test_enumerations_are_upper_case_names(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        organisations=plus("organisations", "O3,某协会,ASSOCIATION,420602,"),
        households=plus("households", "H4,B1,1-201,family"),
    )
    assert errors == [
        'households.csv:5: column kind: "family" is not a household kind; allowed: FAMILY, '
        "COLLECTIVE",
        'organisations.csv:4: column kind: "ASSOCIATION" is not a organisation kind; allowed: '
        "SOCIAL_ORG, VOLUNTEER_TEAM, MEDIATION_COMMITTEE, DEPARTMENT, LAW_FIRM, OTHER",
    ]


def test_people_cells(empty_graph: Graph, tmp_path: Path) -> None:
    bad_id = ID_NUMBER[:-1] + "1"
    errors = errors_of(
        empty_graph,
        tmp_path,
        people=plus("people", f"P4,赵六,,F,1890,{bad_id},", "P5,钱七,,m,19x0,,12345678901"),
    )
    assert errors == [
        'people.csv:5: column birth_year: "1890" is not a birth year; expected a year from 1900 to '
        f"{date.today().year}",
        "people.csv:5: column id_number: the check digit (the last character) is wrong; look for "
        "a mistyped digit",
        'people.csv:6: column gender: "m" is not a gender; expected M, F or an empty cell',
        'people.csv:6: column birth_year: "19x0" is not a birth year; expected a year from '
        f"1900 to {date.today().year}",
        "people.csv:6: column phone: expected an 11-digit mobile number (1, then 3 to 9, then 9 "
        "digits) or a landline: an area code such as 0710, an optional '-', then 7 or 8 digits",
    ]
    assert not any(bad_id in error or "12345678901" in error for error in errors)
