"""No clear ID number or phone in the database, the server's log or an error message
(DESIGN §6, issue #6): clear values stored before are converted, and after the demo import
and reads of the clear phone, a dump of everything holds none of the demo's numbers."""

import csv
import json
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph import people
from graph.importing.online import ImportRejected, import_dataset
from graph.security.principal import AccessRole, Principal
from graph.security.sealing import unseal
from server.app import create_app
from server.settings import Settings
from tests.support import (
    DEMO,
    TEST_PII_KEYS,
    TEST_PII_SETTINGS,
    Api,
    Graph,
    execute,
    serve_in_thread,
)

with (DEMO / "people.csv").open(encoding="utf-8") as demo_people:
    PEOPLE = list(csv.DictReader(demo_people))
ID_NUMBERS = [row["id_number"] for row in PEOPLE if row["id_number"]]
DIGITS_ONLY = [number for number in ID_NUMBERS if number.isdigit()]
PHONES = [row["phone"] for row in PEOPLE if row["phone"]]
# Each as written, and as the digits alone (0710-3456789 as 07103456789).
CLEAR = sorted({*ID_NUMBERS, *PHONES, *(phone.replace("-", "") for phone in PHONES)})
# The shapes of ID numbers and phones, not inside a longer word (a hash, a ciphertext).
SHAPES = re.compile(
    r"(?<![0-9A-Za-z+/])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})"
    r"(?![0-9A-Za-z+/])"
)
LOGGERS = ("", "govgraph", "strawberry", "uvicorn", "uvicorn.error", "uvicorn.access", "neo4j")


def leaks(text: str) -> list[str]:
    return [clear for clear in CLEAR if clear in text] + SHAPES.findall(text)


def dump(graph: Graph) -> str:
    """All properties of all nodes and relationships, as text."""
    rows = graph.cypher(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props "
        "UNION ALL MATCH ()-[r]->() RETURN [type(r)] AS labels, properties(r) AS props"
    )
    return "\n".join(json.dumps(row, default=str, ensure_ascii=False) for row in rows)


@pytest.fixture
def server_log() -> Iterator[list[str]]:
    """Every record the app, Strawberry, uvicorn and the Neo4j driver log, down to DEBUG."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if not record.name.startswith(("httpx", "httpcore")):  # the tests' own client
                lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(name) for name in LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield lines
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_the_demo_and_reads_of_clear_phones_leave_no_clear_number(
    graph: Graph, api: Api, server_log: list[str], tmp_path: Path
) -> None:
    assert len(ID_NUMBERS) > 100 and len(PHONES) > 100  # the check has something to find
    graph.clear()
    graph.run(lambda db: import_dataset(db, DEMO, pii_keys=TEST_PII_KEYS))

    # A grid worker calls each resident of her two grids; over HTTP, people are looked up
    # by their ID numbers, typed well and badly, and an ID number is sent as an Int.
    worker = Principal("P0156", frozenset({AccessRole.GRID_WORKER}), ("420602001001",))
    household_phones = """{ grid(code: "420602001001-G01") { buildings { nodes {
        households { nodes { members { id contactPhone(purpose: "通知停水检修") } } } } } } }"""
    read = execute(graph, worker, household_phones)
    assert read.errors is None
    assert "19900001034" in json.dumps(read.data)  # the reads did happen
    assert graph.cypher("MATCH (n:AccessRecord) RETURN count(n) AS n")[0]["n"] > 5
    query = """query($n: String!) {
        personByIdNumber(idNumber: $n) { id contactPhone(purpose: "回访核实情况") } }"""
    for number in ID_NUMBERS[:40]:
        body = api.post(query, {"n": number})
        assert body["data"]["personByIdNumber"]["id"]
        # Unrestricted is ADMIN, who may not read the clear phone.
        assert [error["extensions"]["code"] for error in body["errors"]] == ["FORBIDDEN"]
        assert not leaks(json.dumps(body, ensure_ascii=False))
    for body in (
        api.post(query, {"n": ID_NUMBERS[0][:-1] + "0"}),
        api.post(query, {"n": int(DIGITS_ONLY[0])}),
        api.post(f"{{ personByIdNumber(idNumber: {DIGITS_ONLY[1]}) {{ id }} }}"),
        api.post(f"{{ cases(first: {PHONES[0].replace('-', '')}) {{ totalCount }} }}"),
    ):
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert not leaks(json.dumps(body, ensure_ascii=False)), body

    # A GET carries its query in the URL, which the access log would otherwise repeat.
    inline = f'{{ personByIdNumber(idNumber: "{ID_NUMBERS[1]}") {{ id }} }}'
    assert api.send("GET", params={"query": inline}).status_code == 200

    database = dump(graph)
    assert "phoneSealed" in database and "idNumberHash" in database
    assert leaks(database) == []
    log = "\n".join(server_log)
    assert "uvicorn.access" in log and "neo4j" in log  # the log was captured
    assert leaks(log) == [], [line for line in server_log if leaks(line)]


def test_a_bad_import_names_no_number(empty_graph: Graph, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    shutil.copytree(DEMO, folder)
    number, phone = ID_NUMBERS[0], PHONES[0]
    with (folder / "people.csv").open("a", encoding="utf-8") as rows:
        rows.write(f"P9001,甲,H0001,M,{number},{number[:-1]}0,{phone}9\n")  # columns shifted
        rows.write(f"P9002,乙,{phone},F,1990,{number[1:]},{number}\n")
        rows.write(f"P9003,丙,H0001,{phone},{phone},,\n")

    with pytest.raises(ImportRejected) as caught:
        empty_graph.run(lambda db: import_dataset(db, folder, pii_keys=TEST_PII_KEYS))

    assert len(caught.value.errors) >= 6
    assert leaks(str(caught.value)) == []
    assert any("column birth_year" in error for error in caught.value.errors)


# ------------------------------------------------------------------ clear values stored before


def stored(graph: Graph, person: str) -> dict[str, Any]:
    return graph.cypher("MATCH (p:Person {id: $id}) RETURN properties(p) AS p", id=person)[0]["p"]


def plant_clear_values(graph: Graph) -> None:
    graph.cypher(
        "CREATE (:Person {id: 'X1', name: '甲', idNumber: '11010519491231002x', "
        "phone: '13812345678'}), "
        "(:Person {id: 'X2', name: '乙', phone: 13812345679, idNumberHash: 'kept', "
        "idNumberMasked: 'kept'}), "
        "(:Person {id: 'X3', name: '丙', idNumber: '12345'}), "
        "(:Person {id: 'X4', name: '丁', idNumberHash: 'untouched'})"
    )


def test_clear_values_stored_before_are_converted_and_removed(
    empty_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant_clear_values(empty_graph)
    monkeypatch.setattr(people, "CLEAR_BATCH", 2)  # more than one batch

    converted = empty_graph.run(lambda db: people.seal_clear_values(db, TEST_PII_KEYS))

    assert converted == 3
    x1 = stored(empty_graph, "X1")
    assert "idNumber" not in x1 and "phone" not in x1
    assert x1["idNumberMasked"] == "110105********002X" and x1["phoneMasked"] == "138****5678"
    assert unseal(TEST_PII_KEYS, "X1", "phone", sealed=x1["phoneSealed"]) == "13812345678"
    x2 = stored(empty_graph, "X2")
    assert unseal(TEST_PII_KEYS, "X2", "phone", sealed=x2["phoneSealed"]) == "13812345679"
    assert x2["idNumberHash"] == "kept"  # no clear ID number: what it had stays
    assert stored(empty_graph, "X3")["idNumberMasked"] == "*****"  # fails the check: all masked
    assert stored(empty_graph, "X4") == {"id": "X4", "name": "丁", "idNumberHash": "untouched"}
    assert leaks(dump(empty_graph)) == []
    assert empty_graph.run(lambda db: people.seal_clear_values(db, TEST_PII_KEYS)) == 0


def test_the_server_and_the_import_convert_them(empty_graph: Graph, tmp_path: Path) -> None:
    plant_clear_values(empty_graph)
    settings = Settings(NEO4J_URI=empty_graph.uri, auth="off", **TEST_PII_SETTINGS)
    server, thread, _ = serve_in_thread(create_app(settings))
    server.should_exit = True
    thread.join(timeout=10)
    assert leaks(dump(empty_graph)) == []

    empty_graph.clear()
    plant_clear_values(empty_graph)
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "regions.csv").write_text("code,name,level,parent_code\n420600,襄阳市,CITY,\n")
    empty_graph.run(lambda db: import_dataset(db, folder, pii_keys=TEST_PII_KEYS))
    assert leaks(dump(empty_graph)) == []
