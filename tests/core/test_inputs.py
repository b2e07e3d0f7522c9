"""Every API input that becomes a graph record carries each of its fields there: filled
with distinct values, each must arrive (a dropped field went unnoticed twice)."""

import importlib
import inspect
import pkgutil
import types
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

import pytest

import schema
import schema.cases
import schema.evaluations
import schema.meetings
import schema.party
import schema.projects
import schema.visits
from graph.core.records import from_input

# Each input that becomes a graph record, with the function that makes it.
PAIRS: list[tuple[type, Callable[[Any], Any]]] = [
    (schema.cases.CaseFilter, schema.cases.case_filter),
    (schema.cases.ReportCaseInput, schema.cases.new_case),
    (schema.cases.AdvanceCaseInput, schema.cases.step),
    (schema.party.AssignInput, schema.party.new_assignment),
    (schema.evaluations.EvaluateCaseInput, schema.evaluations.new_evaluation),
    (schema.visits.RecordVisitInput, schema.visits.new_visit),
    (schema.projects.ProposeProjectInput, schema.projects.new_project),
    (schema.projects.AdvanceProjectInput, schema.projects.project_step),
    (schema.projects.EvaluateProjectInput, schema.projects.new_project_evaluation),
    (schema.meetings.RecordMeetingInput, schema.meetings.new_meeting),
    (schema.meetings.MatterInput, schema.meetings.new_matter),
]


def _distinct(hint: Any, i: int) -> Any:
    """A value of the annotation's type, different for each `i`."""
    if get_origin(hint) in (Union, types.UnionType):
        return _distinct(next(arg for arg in get_args(hint) if arg is not type(None)), i)
    if get_origin(hint) is list:
        # A list of ids holds one; a list of nested inputs (checked as a pair of its own) none.
        (item,) = get_args(hint)
        return [] if hasattr(item, "__strawberry_definition__") else [_distinct(item, i)]
    if isinstance(hint, type) and issubclass(hint, Enum):
        return list(hint)[i % len(hint)]
    if hint is bool:
        return True  # the default is None: True differs from it
    if hint is int:
        return 100 + i
    if hint is datetime:
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=i)
    if hint is date:
        return date(2026, 1, 1) + timedelta(days=i)
    return f"value-{i}"  # str and strawberry.ID


@pytest.mark.parametrize("given_type, make", PAIRS, ids=lambda p: getattr(p, "__name__", ""))
def test_every_field_of_the_input_reaches_the_record(given_type: type, make: Callable) -> None:
    hints = get_type_hints(given_type)
    values = {
        field.name: _distinct(hints[field.name], i) for i, field in enumerate(fields(given_type))
    }
    made = make(given_type(**values))
    assert {name: getattr(made, name) for name in values} == values
    assert {field.name for field in fields(made)} == values.keys()


def test_every_input_of_the_schema_is_checked() -> None:
    inputs = {
        cls
        for found in pkgutil.iter_modules(schema.__path__, "schema.")
        for _, cls in inspect.getmembers(importlib.import_module(found.name), inspect.isclass)
        if getattr(getattr(cls, "__strawberry_definition__", None), "is_input", False)
    }
    assert inputs == {given for given, _ in PAIRS}


@dataclass(frozen=True)
class _Record:
    a: str
    b: int


def test_a_field_missing_or_left_over_is_named() -> None:
    @dataclass
    class Short:
        a: str

    @dataclass
    class Long:
        a: str
        b: int
        c: str

    with pytest.raises(TypeError, match=r"missing \['b'\]"):
        from_input(_Record, Short("x"))
    with pytest.raises(TypeError, match=r"left over \['c'\]"):
        from_input(_Record, Long("x", 1, "y"))
    assert from_input(_Record, Short("x"), b=2) == _Record("x", 2)
    with pytest.raises(TypeError, match=r"unknown explicit \[.c.\]"):
        from_input(_Record, Short("x"), b=2, c="y")
