"""The neutral description of what a read asks for: domain names, no GraphQL."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Select:
    """One field of the answer: `field` as the catalogue names it, under `key` in the answer
    (its alias, else its name), with checked arguments (`first` a page size, `after` a
    decoded order key, `asOf` a date) and what is selected inside it."""

    field: str
    key: str
    args: Mapping[str, Any] = field(default_factory=dict)
    children: tuple["Select", ...] = ()


class NotCompiled(Exception):
    """The planner cannot take this root field; today's resolvers answer it."""
