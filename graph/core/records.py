"""Records from rows by name: each graph record is a frozen dataclass, and a statement's
projection names its keys after the record's fields; `record` makes one from a row,
turning stored values into enums wherever the field's annotation says so. `from_input`
makes one from an API input the same way, by name, so that no field is left behind."""

import types
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from graph.core.db import Row

R = TypeVar("R")
Convert = Callable[[Any], Any]


def record(cls: type[R], row: Row) -> R:
    """The `cls` of this row: each field from the row's key of the same name."""
    return cls(**{name: convert(row[name]) for name, convert in _fields(cls)})


def from_input(cls: type[R], given: object, **explicit: Any) -> R:
    """The `cls` of an input (a dataclass, as Strawberry's are): each field from the
    input's field of the same name, or from `explicit` where names or types differ. A field
    of the record that neither gives, or one of the input that the record lacks, is a
    TypeError naming it: a field cannot be dropped silently on its way to the graph."""
    mine = [field.name for field in fields(cls)]
    theirs = {field.name for field in fields(given)} if is_dataclass(given) else set()
    missing = [name for name in mine if name not in theirs and name not in explicit]
    unused = sorted(theirs - set(mine))
    if missing or unused or explicit.keys() - set(mine):
        raise TypeError(
            f"{type(given).__name__} does not make a {cls.__name__}: missing "
            f"{missing or 'none'}, left over {unused or 'none'}, unknown explicit "
            f"{sorted(explicit.keys() - set(mine)) or 'none'}"
        )
    return cls(
        **{name: explicit[name] if name in explicit else getattr(given, name) for name in mine}
    )


@cache
def _fields(cls: type) -> tuple[tuple[str, Convert], ...]:
    if not is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    hints = get_type_hints(cls)
    return tuple((field.name, _converter(hints[field.name])) for field in fields(cls))


def _same(value: Any) -> Any:
    return value


def _converter(hint: Any) -> Convert:
    """How a stored value becomes the annotation's: an enum from its value, inside an
    optional (None stays None) or a list or tuple; anything else as it is."""
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        inner = [_converter(arg) for arg in args if arg is not type(None)]
        if len(inner) == 1 and inner[0] is not _same:
            only = inner[0]
            return lambda value: None if value is None else only(value)
        return _same
    if origin in (list, tuple) and args:
        item = _converter(args[0])
        if item is not _same:
            return lambda values: origin(item(value) for value in values)
    return _same
