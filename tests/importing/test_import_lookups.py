"""An import of a few changed records (#15 item 5) checks them against the database with
look-ups of only the keys its files reference, never by reading the city."""

from pathlib import Path

from graph.core.db import Database
from graph.importing.checks import validate
from tests.importing.support import BASE, import_ok, write
from tests.support import TEST_CHAIN, Graph


def test_a_changed_file_looks_up_only_what_it_references(
    empty_graph: Graph, tmp_path: Path
) -> None:
    import_ok(empty_graph, write(tmp_path / "city", BASE))
    folder = write(
        tmp_path / "one household",
        {"households.csv": "id,building_code,door,kind\nH4,B2,2-201,\n"},
    )

    async def checked(db: Database) -> tuple[list[str], int]:
        before = db.statements
        found = await validate(db, folder, replace=False, chain=TEST_CHAIN)
        return found.problems, db.statements - before

    # The one building it names, in one statement: no other file's kind is read.
    assert empty_graph.run(checked) == ([], 1)
