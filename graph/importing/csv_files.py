"""The import's CSV files (../shared/contract/import.md): which files and columns there are, what
each cell must hold, and reading a file into typed records.

A record's line counts the header as line 1 and every CSV row after it, so it is
the row number a spreadsheet shows. Problems are collected, never raised: the
import reports all of them at once.
"""

import codecs
import csv
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from graph.core import clock
from graph.core.model import (
    CaseAction,
    CaseCategory,
    CaseSource,
    GovernanceLevel,
    GridKind,
    HouseholdKind,
    MatterKind,
    MeetingKind,
    MembershipKind,
    OrganisationKind,
    PartyOrgLevel,
    ProjectKind,
    ProjectOrigin,
    ProjectState,
    Rating,
    RegionLevel,
    Role,
    StationKind,
    VisitPurpose,
)
from graph.security import personal_data

WHOLE_FILE = "*"  # the column named in a problem that concerns no single column
CHUNK = 1 << 20


class CellError(ValueError):
    """A cell that does not hold what its column expects; the message says what would."""


Parse = Callable[[str], Any]


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parse
    required: bool = False


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> str:
        return ", ".join(column.name for column in self.columns)


class Record(dict[str, Any]):
    """A record's parsed value by column (None when empty, wrong or not in the file) and
    its line. A dict itself: a million records are read several times in an import."""

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line

    def __missing__(self, column: str) -> None:
        return None


class Problems:
    """Every problem found, as `FILE:LINE: column COLUMN: what is wrong`."""

    def __init__(self) -> None:
        self._found: list[tuple[int, int, str]] = []

    def add(self, file: str, line: int, column: str, *, text: str) -> None:
        self._found.append(
            (FILE_ORDER.get(file, len(FILE_ORDER)), line, f"{file}:{line}: column {column}: {text}")
        )

    def __bool__(self) -> bool:
        return bool(self._found)

    def messages(self) -> list[str]:
        """In file order, then line order; one line's problems in the order found."""
        return [message for _, _, message in sorted(self._found, key=lambda found: found[:2])]


# ---------------------------------------------------------------- cell types


def shown(value: str) -> str:
    """A cell's value quoted for a message, cut short when long."""
    return f'"{value}"' if len(value) <= 40 else f'"{value[:40]}…"'


def text(value: str) -> str:
    return value


def enum_of(enum: type[Enum], what: str) -> Parse:
    members = {member.name: member for member in enum}
    allowed = ", ".join(members)

    def parse(value: str) -> Enum:
        try:
            return members[value]
        except KeyError:
            raise CellError(f"{shown(value)} is not a {what}; allowed: {allowed}") from None

    return parse


DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_value(value: str) -> date:
    if DATE_SHAPE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CellError(f"{shown(value)} is not a date; expected YYYY-MM-DD, such as 2024-03-01")


def datetime_value(value: str) -> datetime:
    """With its own offset; without one it is Asia/Shanghai time. Stored with a fixed offset."""
    try:
        moment = datetime.fromisoformat(value) if len(value) > len("2024-03-01") else None
    except ValueError:
        moment = None
    if moment is None:
        raise CellError(
            f"{shown(value)} is not a date and time; expected ISO 8601 such as "
            "2024-03-01T09:30:00+08:00 (without an offset it is Asia/Shanghai time)"
        )
    return clock.city_time(moment)


LIST_SEPARATORS = re.compile(r"[;；、]")


def text_list(value: str) -> list[str]:
    """Items separated by `;` (or the Chinese `；` and `、` that spreadsheets hold)."""
    return [item.strip() for item in LIST_SEPARATORS.split(value) if item.strip()]


def whole_number(value: str) -> int:
    if re.fullmatch(r"[0-9]{1,12}", value):
        return int(value)
    raise CellError(f"{shown(value)} is not a whole number; expected 0, 1, 2 … without a sign")


def birth_year(value: str) -> int:
    this_year = date.today().year
    if re.fullmatch(r"[0-9]{4}", value) and 1900 <= int(value) <= this_year:
        return int(value)
    raise CellError(f"{shown(value)} is not a birth year; expected a year from 1900 to {this_year}")


def gender(value: str) -> str:
    if value in ("M", "F"):
        return value
    raise CellError(f"{shown(value)} is not a gender; expected M, F or an empty cell")


def id_number(value: str) -> str:
    if problem := personal_data.id_number_problem(value):
        raise CellError(problem)
    return personal_data.normalise_id_number(value)


def phone(value: str) -> str:
    if problem := personal_data.phone_problem(value):
        raise CellError(problem)
    return value


# ---------------------------------------------------------------- the files

FILES: tuple[FileSpec, ...] = (
    FileSpec("regions.csv", (
        Column("code", text, True), Column("name", text, True),
        Column("level", enum_of(RegionLevel, "region level"), True), Column("parent_code", text),
    )),
    FileSpec("grids.csv", (
        Column("code", text, True), Column("name", text, True),
        Column("region_code", text, True), Column("kind", enum_of(GridKind, "grid kind"), True),
    )),
    FileSpec("buildings.csv", (
        Column("code", text, True), Column("grid_code", text, True),
        Column("name", text), Column("address", text),
    )),
    FileSpec("households.csv", (
        Column("id", text, True), Column("building_code", text, True),
        Column("door", text), Column("kind", enum_of(HouseholdKind, "household kind")),
    )),
    FileSpec("people.csv", (
        Column("id", text, True), Column("name", text, True), Column("household_id", text),
        Column("gender", gender), Column("birth_year", birth_year),
        Column("id_number", id_number), Column("phone", phone),
    )),
    FileSpec("party_orgs.csv", (
        Column("id", text, True), Column("name", text, True),
        Column("level", enum_of(PartyOrgLevel, "party organisation level"), True),
        Column("region_code", text, True), Column("parent_id", text),
    )),
    FileSpec("memberships.csv", (
        Column("person_id", text, True), Column("org_id", text, True),
        Column("kind", enum_of(MembershipKind, "membership kind"), True),
        Column("since", date_value), Column("until", date_value),
    )),
    FileSpec("assignments.csv", (
        Column("id", text), Column("role", enum_of(Role, "role"), True),
        Column("holder", text, True), Column("target", text, True),
        Column("since", date_value), Column("until", date_value),
    )),
    FileSpec("centers.csv", (
        Column("id", text, True), Column("name", text, True),
        Column("level", enum_of(GovernanceLevel, "governance level"), True),
        Column("region_code", text, True),
    )),
    FileSpec("stations.csv", (
        Column("id", text, True), Column("name", text, True),
        Column("kind", enum_of(StationKind, "station kind"), True),
        Column("region_code", text, True), Column("grid_code", text), Column("address", text),
        # The project's own columns (docs/import.md), beyond ../shared/contract/import.md.
        Column("services", text_list), Column("target_groups", text_list),
    )),
    FileSpec("organisations.csv", (
        Column("id", text, True), Column("name", text, True),
        Column("kind", enum_of(OrganisationKind, "organisation kind"), True),
        Column("region_code", text, True), Column("center_id", text),
        Column("grid_code", text),  # docs/import.md: placed at a compound or house-yard
    )),
    FileSpec("volunteers.csv", (
        Column("person_id", text, True), Column("org_id", text, True),
        Column("since", date_value), Column("until", date_value),
    )),
    FileSpec("cases.csv", (
        Column("case_no", text, True), Column("title", text, True),
        Column("category", enum_of(CaseCategory, "case category"), True),
        Column("grid_code", text, True), Column("reported_at", datetime_value, True),
        Column("reported_by", text), Column("note", text),
        Column("source", enum_of(CaseSource, "case source")),  # docs/import.md
    )),
    FileSpec("case_events.csv", (
        Column("case_no", text, True), Column("at", datetime_value, True),
        Column("action", enum_of(CaseAction, "case action"), True),
        Column("actor_id", text), Column("center_id", text), Column("note", text),
    )),
    # The project's own files (docs/import.md), beyond ../shared/contract/import.md.
    FileSpec("visits.csv", (
        Column("id", text, True), Column("household_id", text, True),
        Column("at", datetime_value, True),
        Column("purpose", enum_of(VisitPurpose, "visit purpose"), True),
        Column("visitor_id", text), Column("org_id", text), Column("outcome", text),
    )),
    FileSpec("evaluations.csv", (
        Column("case_no", text, True), Column("household_id", text, True),
        Column("at", datetime_value, True), Column("rating", enum_of(Rating, "rating"), True),
        Column("comment", text),
    )),
    # Meetings and projects of joint creation (docs/import.md).
    FileSpec("meetings.csv", (
        Column("id", text, True), Column("at", datetime_value, True),
        Column("kind", enum_of(MeetingKind, "meeting kind"), True),
        Column("grid_code", text, True), Column("building_code", text), Column("title", text),
    )),
    FileSpec("meeting_attendees.csv", (
        Column("meeting_id", text, True), Column("person_id", text), Column("org_id", text),
        Column("party_org_id", text),
    )),
    FileSpec("projects.csv", (
        Column("id", text, True), Column("title", text, True),
        Column("kind", enum_of(ProjectKind, "project kind"), True),
        Column("origin", enum_of(ProjectOrigin, "project origin"), True),
        Column("grid_code", text, True), Column("case_no", text), Column("meeting_id", text),
        Column("materials", text), Column("money_yuan", whole_number),
        Column("labour_days", whole_number), Column("supervisors", text_list),
    )),
    FileSpec("project_events.csv", (
        Column("project_id", text, True), Column("seq", whole_number, True),
        Column("at", datetime_value, True),
        Column("state", enum_of(ProjectState, "project state"), True),
        Column("actor_id", text), Column("note", text),
    )),
    FileSpec("meeting_matters.csv", (
        Column("meeting_id", text, True), Column("seq", whole_number, True),
        Column("kind", enum_of(MatterKind, "matter kind"), True), Column("text", text, True),
        Column("case_no", text), Column("project_id", text),
    )),
    FileSpec("project_evaluations.csv", (
        Column("project_id", text, True), Column("household_id", text, True),
        Column("at", datetime_value, True), Column("rating", enum_of(Rating, "rating"), True),
        Column("comment", text),
    )),
)  # fmt: skip
SPECS = {spec.name: spec for spec in FILES}
FILE_ORDER = {spec.name: index for index, spec in enumerate(FILES)}


# ---------------------------------------------------------------- reading

SAVE_AS_UTF8 = "save it from the spreadsheet as 'CSV UTF-8'"
NOT_TEXT = f"the file is neither UTF-8 nor GB18030/GBK text; {SAVE_AS_UTF8}"


class _NotText(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def detect_encoding(path: Path, problems: Problems) -> str | None:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK), both decoded strictly;
    None, with the problem reported, when the file is neither."""
    try:
        for encoding in ("utf-8-sig", "gb18030"):
            if _decodes(path, encoding):
                return encoding
        problems.add(path.name, 1, WHOLE_FILE, text=NOT_TEXT)
    except _NotText as error:
        problems.add(path.name, error.line, WHOLE_FILE, text=error.message)
    return None


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines_before = 0
    non_ascii = 0  # characters decoded, counted up to UTF8_EVIDENCE
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            if b"\x00" in chunk:
                message = f"the file holds NUL bytes, so it is not CSV text; {SAVE_AS_UTF8}"
                raise _NotText(1, message)
            try:
                decoded = decoder.decode(chunk)
            except UnicodeDecodeError as error:
                before = chunk[: max(error.start, 0)]
                non_ascii += _non_ascii(before.decode(encoding, "ignore"))
                if encoding.startswith("utf-8") and non_ascii >= UTF8_EVIDENCE:
                    line = lines_before + before.count(b"\n") + 1
                    message = (
                        "this line is not valid UTF-8 although the text before it is; retype "
                        "the damaged characters or save the file again as 'CSV UTF-8'"
                    )
                    raise _NotText(line, message) from None
                return False
            if non_ascii < UTF8_EVIDENCE:
                non_ascii += _non_ascii(decoded)
            lines_before += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# GB18030 text decodes as UTF-8 for a character or two at most (a pair such as C2 A5
# is valid in both), never for this many: a file that fails UTF-8 only after them is
# damaged UTF-8, which read as GB18030 would give nonsense.
UTF8_EVIDENCE = 8


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


BAD_CATEGORIES = {
    "Cc": "a control character",
    "Co": "a private-use character",
    "Cn": "an unassigned character",
}


def bad_character(value: str) -> str | None:
    """A character that no text holds (control, private-use, unassigned): the sign of a
    wrongly guessed encoding or a damaged file. Tabs and line breaks are fine."""
    if value.isprintable():
        return None
    for character in value:
        category = unicodedata.category(character)
        if category in BAD_CATEGORIES and character not in "\t\n\r":
            return f"U+{ord(character):04X}, {BAD_CATEGORIES[category]}"
    return None


@dataclass
class FileReading:
    """One pass over a file. After `records()` is used up, `count` holds the number of
    records and `complete` whether every column could be read (a bad encoding or a
    missing column spoils it, and then references into the file are not checked)."""

    spec: FileSpec
    path: Path
    problems: Problems
    complete: bool = True
    count: int = 0

    def records(self) -> Iterator[Record]:
        encoding = detect_encoding(self.path, self.problems)
        if encoding is None:
            self.complete = False
            return
        with self.path.open(encoding=encoding, newline="") as stream:
            rows = self._rows(csv.reader(stream))
            # GB18030 has its own byte-order mark, which decodes to U+FEFF.
            header = [cell.strip().lstrip("\ufeff") for cell in next(rows, [])]
            columns = self._columns(header)
            read = [(index, column) for index, column in enumerate(columns) if column is not None]
            for line, cells in enumerate(rows, start=2):
                if not "".join(cells).strip():
                    continue  # spreadsheets leave empty rows behind
                self.count += 1
                yield self._record(line, read, cells, width=len(columns))

    def _rows(self, reader: Iterator[list[str]]) -> Iterator[list[str]]:
        """The reader's rows, until the text stops being CSV (a quote never closed runs
        into the field size limit), which is reported on the record where that shows."""
        line = 0
        try:
            for row in reader:
                line += 1
                yield row
        except csv.Error as error:
            self.problems.add(
                self.spec.name,
                line + 1,
                WHOLE_FILE,
                text=f"this is no longer readable CSV ({error}); look for a quote that is opened "
                "but never closed",
            )
            self.complete = False

    def _columns(self, header: list[str]) -> list[Column | None]:
        """The column under each header cell (None for a wrong one), reporting what is wrong."""
        name = self.spec.name
        known = {column.name: column for column in self.spec.columns}
        seen: set[str] = set()
        columns: list[Column | None] = []
        for title in header:
            column = known.get(title)
            if title in seen:
                self.problems.add(name, 1, title, text="appears twice in the header")
                column = None
            elif column is None:
                self.problems.add(
                    name,
                    1,
                    title or '""',
                    text=f"unknown column; the columns of {name} are: {self.spec.column_names}",
                )
            seen.add(title)
            columns.append(column)
        for column in self.spec.columns:
            if column.required and column.name not in seen:
                self.problems.add(
                    name,
                    1,
                    column.name,
                    text=f"is missing from the header; {name} needs this column",
                )
                self.complete = False
        return columns

    def _record(
        self, line: int, read: list[tuple[int, Column]], cells: list[str], *, width: int
    ) -> Record:
        """The parsed value of each column `read` (its index and column); `width` the
        header's. A cell that is there, printable and right is taken at once (nearly all
        of them); `_parsed` says what is wrong with the others."""
        values = Record(line)
        size = len(cells)
        for index, column in read:
            cell = cells[index].strip() if index < size else ""
            if cell and cell.isprintable():
                try:
                    values[column.name] = column.parse(cell)
                    continue
                except CellError:
                    pass
            values[column.name] = self._parsed(line, column, cell)
        if size > width and any(cell.strip() for cell in cells[width:]):
            self.problems.add(
                self.spec.name,
                line,
                WHOLE_FILE,
                text=f"this row has {size} cells but the header has {width} columns",
            )
        return values

    def _parsed(self, line: int, column: Column, value: str) -> Any:
        name = self.spec.name
        if not value:
            if column.required:
                self.problems.add(name, line, column.name, text="is empty; a value is required")
            return None
        if bad := bad_character(value):
            self.problems.add(
                name,
                line,
                column.name,
                text=f"holds a character that is not text "
                f"({bad}); check the file's encoding or save it as 'CSV UTF-8'",
            )
            return None
        try:
            return column.parse(value)
        except CellError as error:
            self.problems.add(name, line, column.name, text=str(error))
            return None
