"""graph.core.records: a record from a row by its field names, enums by annotation."""

from dataclasses import dataclass, fields
from datetime import date

import pytest

from graph import access_log, case_machine, cases, party, people, places, services
from graph.cases import Case
from graph.core.model import CaseState, GovernanceLevel, Role
from graph.core.records import record


@dataclass(frozen=True)
class Sample:
    id: str
    role: Role
    level: GovernanceLevel | None
    levels: list[GovernanceLevel]
    since: date | None


def test_fields_by_name_and_enums_by_annotation() -> None:
    row = {
        "since": date(2026, 1, 1),
        "levels": ["GRID", "CITY"],
        "level": "COUNTY",
        "role": "GRID_WORKER",
        "id": "A1",
        "unused": "a key the record does not name is left alone",
    }
    assert record(Sample, row) == Sample(
        id="A1",
        role=Role.GRID_WORKER,
        level=GovernanceLevel.COUNTY,
        levels=[GovernanceLevel.GRID, GovernanceLevel.CITY],
        since=date(2026, 1, 1),
    )


def test_an_optional_enum_stays_none() -> None:
    row = {"id": "A1", "role": "GRID_WORKER", "level": None, "levels": [], "since": None}
    assert record(Sample, row).level is None


def test_a_missing_field_or_an_unknown_value_is_an_error() -> None:
    with pytest.raises(KeyError, match="since"):
        record(Sample, {"id": "A1", "role": "GRID_WORKER", "level": None, "levels": []})
    with pytest.raises(ValueError, match="NOBODY"):
        record(Sample, {"id": "A1", "role": "NOBODY", "level": None, "levels": [], "since": None})


def test_a_graph_record_from_its_projection_keys() -> None:
    row = {
        "case_no": "XY-2026-000001",
        "title": "t",
        "category": "HAZARD",
        "state": "CLOSED",
        "level": "GRID",
        "grid_code": "G1",
        "reported_by_id": None,
        "reported_at": None,
        "closed_at": None,
        "resolved_level": "GRID",
        "last_seq": 5,
        "last_hash": "h",
        "level_since": None,
        "source": "REPORTED",
    }
    case = record(Case, row)
    assert (case.state, case.resolved_level) == (CaseState.CLOSED, GovernanceLevel.GRID)


def projection_keys(projection: str) -> list[str]:
    """The keys of a map projection's items: `.name` or `key: expression`."""
    items, depth, start = [], 0, 0
    for index, character in enumerate(projection + ","):
        depth += (character in "([{" and 1) or (character in ")]}" and -1) or 0
        if character == "," and depth == 0:
            items.append(projection[start:index].strip())
            start = index + 1
    return [item[1:] if item.startswith(".") else item.split(":")[0].strip() for item in items]


def test_each_projection_names_its_records_fields() -> None:
    pairs = [
        (places.REGION, places.Region),
        (places.GRID, places.Grid),
        (places.BUILDING, places.Building),
        (places.HOUSEHOLD, places.Household),
        (people.PERSON, people.Person),
        (party.ORGANIZATION, party.PartyOrganization),
        (party.MEMBERSHIP, party.Membership),
        (party.ASSIGNMENT, party.Assignment),
        (services.CENTER, services.GovernanceCenter),
        (services.STATION, services.ServiceStation),
        (cases.CASE, cases.Case),
        (cases.EVENT, case_machine.Event),
        (access_log.RECORD, access_log.AccessRecord),
    ]
    for projection, cls in pairs:
        names = [field.name for field in fields(cls)]
        assert sorted(projection_keys(projection)) == sorted(names), cls.__name__
