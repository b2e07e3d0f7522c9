"""People: records and the walks that reach them."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from graph.core.batch import Lookup, Walk
from graph.core.db import Database, Transaction
from graph.core.records import record
from graph.security import personal_data
from graph.security.scope import grid_in_scope, person_visible
from graph.security.sealing import PiiKeys


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


PERSON = (
    ".id, .name, .gender, birth_year: n.birthYear, id_number_masked: n.idNumberMasked, "
    "phone_masked: n.phoneMasked, household_id: head([(n)-[:LIVES_IN]->(h:Household) | h.id])"
)

PEOPLE = Lookup("Person", "id", PERSON, partial(record, Person), person_visible("n"))

HOUSEHOLD_MEMBERS = Walk(
    "MATCH (:Household {id: parent})<-[:LIVES_IN]-(n:Person)", "id", PERSON, partial(record, Person)
)

# The first person (by id) with this ID number's hash who lives within the reader's $scope.
_BY_ID_NUMBER = f"""
    MATCH (n:Person {{idNumberHash: $hash}})
    OPTIONAL MATCH (n)-[:LIVES_IN]->(:Household)-[:IN]->(:Building)-[:IN]->(g:Grid)
    WITH n, g WHERE $scope IS NULL OR (g IS NOT NULL AND {grid_in_scope("g")})
    RETURN n {{{PERSON}}} AS row ORDER BY n.id LIMIT 1"""


async def by_id_number(
    db: Database, keys: PiiKeys, id_number: str, *, reader_scope: Sequence[str] | None
) -> Person | None:
    """Looked up by the keyed hash: the clear number never reaches the database."""
    params = {
        "hash": personal_data.keyed_hash(keys.hashing, id_number),  # normalised there
        "scope": list(reader_scope) if reader_scope is not None else None,
    }
    rows = await db.read(_BY_ID_NUMBER, params)
    return record(Person, rows[0]["row"]) if rows else None


# ------------------------------------------------------------------ clear values stored before

CLEAR_BATCH = 1000
_CLEAR = """
    MATCH (n:Person) WHERE n.idNumber IS NOT NULL OR n.phone IS NOT NULL
    RETURN n.id AS id, toString(n.idNumber) AS idNumber, toString(n.phone) AS phone
    LIMIT $limit"""
_STORED = """
    UNWIND $rows AS row MATCH (n:Person {id: row.id})
    SET n += row.props REMOVE n.idNumber, n.phone"""


async def seal_clear_values(db: Database, keys: PiiKeys) -> int:
    """Clear `idNumber` and `phone` properties (written by some earlier tool) turned into
    the stored form of DESIGN §6 and removed; how many people had them. A field without a
    clear value keeps what it holds."""
    converted = 0

    async def batch_of(tx: Transaction) -> int:
        rows = []
        for found in await tx.run(_CLEAR, {"limit": CLEAR_BATCH}):
            form = personal_data.stored_form(
                keys, found["id"], found["idNumber"], phone=found["phone"]
            )
            present = tuple(name for name in ("idNumber", "phone") if found[name] is not None)
            props = {key: value for key, value in form.items() if key.startswith(present)}
            rows.append({"id": found["id"], "props": props})
        if rows:
            await tx.run(_STORED, {"rows": rows})
        return len(rows)

    while done := await db.write_transaction(batch_of):
        converted += done
    return converted
