"""People: records and the walks that reach them."""

from dataclasses import dataclass

from graph.batch import Lookup, Walk
from graph.db import Row
from graph.scope import person_visible


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    gender: str | None
    birth_year: int | None
    # Only masked forms ever leave the database (DESIGN §6).
    id_number_masked: str | None
    phone_masked: str | None
    household_id: str | None

    @classmethod
    def from_row(cls, row: Row) -> "Person":
        return cls(
            row["id"],
            row["name"],
            row["gender"],
            row["birthYear"],
            row["idNumberMasked"],
            row["phoneMasked"],
            row["householdId"],
        )


PERSON = (
    ".id, .name, .gender, .birthYear, .idNumberMasked, .phoneMasked, "
    "householdId: head([(n)-[:LIVES_IN]->(h:Household) | h.id])"
)

PEOPLE = Lookup("Person", "id", PERSON, Person.from_row, person_visible("n"))

HOUSEHOLD_MEMBERS = Walk(
    "MATCH (:Household {id: parent})<-[:LIVES_IN]-(n:Person)", "id", PERSON, Person.from_row
)
