"""The dataset import (contract/import.md): every rule's error on its exact line, what a
good dataset writes, idempotence, --replace, encodings and personal data."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from graph.case_machine import event_content
from graph.core.db import Database
from graph.core.model import CaseAction, CaseState, GovernanceLevel, Role
from graph.importing.checks import assignment_id, validate
from graph.importing.online import ImportRejected, ImportReport, import_dataset
from graph.security.personal_data import keyed_hash
from graph.security.sealing import unseal
from tests.support import TEST_CHAIN, TEST_PII_KEYS, Graph, open_seals

KEY = TEST_PII_KEYS.hashing
ID_NUMBER = "11010519491231002X"  # the example of GB 11643 itself
MOBILE = "13812345678"
LANDLINE = "0710-3456789"
CST = timezone(timedelta(hours=8))
DEMO = Path(__file__).resolve().parents[2] / "datasets" / "demo"

BASE = {
    "regions.csv": """\
code,name,level,parent_code
420600,襄阳市,CITY,
420602,襄城区,COUNTY,420600
420602001000,真武山街道,TOWNSHIP,420602
420602001001,凤鸣社区,COMMUNITY,420602001000
420602001201,卧龙村,VILLAGE,420602001000
""",
    "grids.csv": """\
code,name,region_code,kind
G1,凤鸣小区,420602001001,COMPOUND
G2,一组院落,420602001201,HOUSEYARD
""",
    "buildings.csv": """\
code,grid_code,name,address
B1,G1,1栋,凤鸣路18号1栋
B2,G2,王家院子,
""",
    "households.csv": """\
id,building_code,door,kind
H1,B1,1-101,
H2,B1,1-102,COLLECTIVE
H3,B2,,FAMILY
""",
    "people.csv": f"""\
id,name,household_id,gender,birth_year,id_number,phone
P1,张三,H1,M,1949,{ID_NUMBER},{MOBILE}
P2,李四,H3,F,1975,,{LANDLINE}
P3,王五,,,,,
""",
    "party_orgs.csv": """\
id,name,level,region_code,parent_id
PO1,凤鸣社区党委,COMMUNITY_COMMITTEE,420602001001,
PO2,凤鸣小区党支部,COMPOUND_BRANCH,420602001001,PO1
PO3,1栋党小组,BUILDING_GROUP,420602001001,PO2
""",
    "memberships.csv": """\
person_id,org_id,kind,since,until
P1,PO2,PRIMARY,2015-07-01,
P2,PO1,DUAL_REPORT,2020-01-01,2023-01-01
""",
    "assignments.csv": """\
id,role,holder,target,since,until
A1,GRID_BRANCH,PO2,G1,2021-03-01,
A2,BUILDING_GROUP,PO3,B1,2021-03-01,
,CENTRAL_HOUSEHOLD,P1,H2,2022-01-01,
A4,HOUSEYARD_LEADER,P2,G2,,
""",
    "centers.csv": """\
id,name,level,region_code
C1,凤鸣社区中心,COMMUNITY,420602001001
C2,真武山街道中心,TOWNSHIP,420602001000
""",
    "stations.csv": """\
id,name,kind,region_code,grid_code,address
S1,红色驿站,RED_STATION,420602001001,G1,凤鸣路18号
S2,老年食堂,CANTEEN,420602001001,,
""",
    "organisations.csv": """\
id,name,kind,region_code,center_id
O1,红马甲志愿服务队,VOLUNTEER_TEAM,420602001001,C1
O2,汉江律师事务所,LAW_FIRM,420602,
""",
    "volunteers.csv": """\
person_id,org_id,since,until
P3,O1,2019-05-01,
""",
    "cases.csv": """\
case_no,title,category,grid_code,reported_at,reported_by,note
K1,楼上漏水,DISPUTE,G1,2026-01-05T09:00:00+08:00,P1,天花板渗水
K2,路灯损坏,HAZARD,G2,2026-01-06 10:00:00,,
""",
    # K1's events are not in time order in the file.
    "case_events.csv": """\
case_no,at,action,actor_id,center_id,note
K1,2026-01-05T10:00:00+08:00,ACCEPT,P3,C1,受理
K1,2026-01-07T09:00:00+08:00,RESOLVE,P3,,调解成功
K1,2026-01-05T03:00:00Z,ESCALATE,P3,C2,上报街道
K1,2026-01-06T09:00:00+08:00,START,P3,C2,
K1,2026-01-08T09:00:00+08:00,CLOSE,P1,,
K2,2026-01-06T11:00:00+08:00,ACCEPT,,,
""",
}


# ------------------------------------------------------------------ helpers


def write(folder: Path, files: dict[str, str | None], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if text is not None:
            (folder / name).write_bytes(text.encode(encoding))
    return folder


def changed(**files: str | None) -> dict[str, str | None]:
    """The base dataset with some files replaced (keyword `grids` for grids.csv)."""
    return {**BASE, **{f"{name}.csv": text for name, text in files.items()}}


def plus(name: str, *rows: str) -> str:
    return BASE[f"{name}.csv"] + "".join(f"{row}\n" for row in rows)


def edited(name: str, old: str, new: str) -> str:
    text = BASE[f"{name}.csv"]
    assert old in text
    return text.replace(old, new)


def import_ok(graph: Graph, folder: Path, **options: Any) -> ImportReport:
    return graph.run(lambda db: import_dataset(db, folder, pii_keys=TEST_PII_KEYS, **options))


def rejected(graph: Graph, folder: Path, **options: Any) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        import_ok(graph, folder, **options)
    assert str(caught.value).endswith("\n".join(caught.value.errors))
    return caught.value.errors


def errors_of(graph: Graph, tmp_path: Path, **files: str | None) -> list[str]:
    return rejected(graph, write(tmp_path / "bad", changed(**files)))


def dump(graph: Graph, opened: bool = True) -> list[str]:
    """Every node and relationship with its properties, comparable across imports (sealed
    phones opened, unless not `opened`: they differ by nonce)."""
    nodes = graph.cypher("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    links = graph.cypher(
        "MATCH (a)-[r]->(b) RETURN properties(a) AS a, type(r) AS type, "
        "properties(r) AS props, properties(b) AS b"
    )
    rows = open_seals(nodes + links) if opened else nodes + links
    return sorted(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False) for row in rows)


def one(graph: Graph, cypher: str, **params: Any) -> dict[str, Any]:
    rows = graph.cypher(cypher, **params)
    assert len(rows) == 1, rows
    return rows[0]


# ------------------------------------------------------------------ a good dataset


def test_a_good_dataset_imports_with_its_counts(empty_graph: Graph, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    report = empty_graph.run(
        lambda db: import_dataset(
            db,
            write(tmp_path, BASE),
            pii_keys=TEST_PII_KEYS,
            progress=lambda *call: seen.append(call),
        )
    )
    assert report.counts == {
        "regions.csv": 5, "grids.csv": 2, "buildings.csv": 2, "households.csv": 3,
        "people.csv": 3, "party_orgs.csv": 3, "memberships.csv": 2, "assignments.csv": 4,
        "centers.csv": 2, "stations.csv": 2, "organisations.csv": 2, "volunteers.csv": 1,
        "cases.csv": 2, "case_events.csv": 6,
    }  # fmt: skip
    assert list(report.counts) == list(BASE)
    assert report.total == 39
    assert ("people.csv", 3, 3) in seen
    assert ("case_events.csv", 8, 8) in seen  # 2 reports and 6 events
    counts = {
        row["label"]: row["count"]
        for row in empty_graph.cypher("MATCH (n) RETURN labels(n)[0] AS label, count(*) AS count")
    }
    assert counts == {
        "Region": 5,
        "Grid": 2,
        "Building": 2,
        "Household": 3,
        "Person": 3,
        "PartyOrganization": 3,
        "Assignment": 4,
        "GovernanceCenter": 2,
        "ServiceStation": 2,
        "Organisation": 2,
        "Case": 2,
        "CaseEvent": 8,
    }


def test_places_and_people_are_stored_as_the_read_side_expects(
    empty_graph: Graph, tmp_path: Path
) -> None:
    import_ok(empty_graph, write(tmp_path, BASE))
    chain = one(
        empty_graph,
        "MATCH (h:Household {id: 'H2'})-[:IN]->(b:Building)-[:IN]->(g:Grid)-[:IN]->(r:Region)"
        "-[:PART_OF]->(t:Region)-[:PART_OF]->(c:Region)-[:PART_OF]->(city:Region) "
        "RETURN h.kind AS kind, h.door AS door, b.code AS building, b.address AS address, "
        "g.kind AS grid, r.level AS level, city.code AS city",
    )
    assert chain == {
        "kind": "COLLECTIVE",
        "door": "1-102",
        "building": "B1",
        "address": "凤鸣路18号1栋",
        "grid": "COMPOUND",
        "level": "COMMUNITY",
        "city": "420600",
    }
    assert one(empty_graph, "MATCH (h:Household {id: 'H1'}) RETURN h.kind AS kind") == {
        "kind": "FAMILY"  # the default
    }
    assert empty_graph.cypher("MATCH (r:Region {code: '420600'})-[:PART_OF]->(x) RETURN x") == []
    person = one(
        empty_graph,
        "MATCH (p:Person {id: 'P1'})-[:LIVES_IN]->(h) RETURN properties(p) AS p, h.id AS household",
    )["p"]
    sealed = person.pop("phoneSealed")
    assert unseal(TEST_PII_KEYS, "P1", "phone", sealed) == MOBILE
    assert person == {
        "id": "P1",
        "name": "张三",
        "gender": "M",
        "birthYear": 1949,
        "idNumberHash": keyed_hash(KEY, ID_NUMBER),
        "idNumberMasked": "110105********002X",
        "phoneHash": keyed_hash(KEY, MOBILE),
        "phoneMasked": "138****5678",
    }
    p2 = one(empty_graph, "MATCH (p:Person {id: 'P2'}) RETURN properties(p) AS p")["p"]
    assert p2["phoneMasked"] == "0710-***6789"
    assert p2["phoneHash"] == keyed_hash(KEY, "07103456789")
    assert unseal(TEST_PII_KEYS, "P2", "phone", p2["phoneSealed"]) == "0710-3456789"
    assert "idNumberHash" not in p2
    assert empty_graph.cypher("MATCH (p:Person {id: 'P3'})-[:LIVES_IN]->(h) RETURN h") == []


def test_party_services_and_assignments_are_linked(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path, BASE))
    assert one(
        empty_graph,
        "MATCH (o:PartyOrganization {id: 'PO3'})-[:UNDER]->(p)-[:UNDER]->(top)-[:BELONGS_TO]->(r) "
        "RETURN o.level AS level, p.id AS parent, top.id AS top, r.code AS region",
    ) == {"level": "BUILDING_GROUP", "parent": "PO2", "top": "PO1", "region": "420602001001"}
    membership = one(
        empty_graph,
        "MATCH (:Person {id: 'P2'})-[m:MEMBER_OF]->(:PartyOrganization "
        "{id: 'PO1'}) RETURN properties(m) AS m",
    )["m"]
    assert membership == {
        "kind": "DUAL_REPORT",
        "since": date(2020, 1, 1),
        "until": date(2023, 1, 1),
    }
    generated = assignment_id(Role.CENTRAL_HOUSEHOLD, "P1", "H2", date(2022, 1, 1))
    rows = empty_graph.cypher(
        "MATCH (a:Assignment)-[:HELD_BY]->(h), (a)-[:TARGETS]->(t) "
        "RETURN a.id AS id, a.role AS role, a.since AS since, labels(h)[0] AS holder, "
        "labels(t)[0] AS target ORDER BY id"
    )
    assert [tuple(row.values()) for row in rows] == [
        (generated, "CENTRAL_HOUSEHOLD", date(2022, 1, 1), "Person", "Household"),
        ("A1", "GRID_BRANCH", date(2021, 3, 1), "PartyOrganization", "Grid"),
        ("A2", "BUILDING_GROUP", date(2021, 3, 1), "PartyOrganization", "Building"),
        ("A4", "HOUSEYARD_LEADER", None, "Person", "Grid"),
    ]
    assert one(
        empty_graph,
        "MATCH (s:ServiceStation {id: 'S1'}) RETURN [(s)-[:IN]->(r:Region) | r.code] AS regions, "
        "[(s)-[:IN]->(g:Grid) | g.code] AS grids",
    ) == {"regions": ["420602001001"], "grids": ["G1"]}
    assert empty_graph.cypher("MATCH (:ServiceStation {id: 'S2'})-[:IN]->(g:Grid) RETURN g") == []
    assert one(
        empty_graph,
        "MATCH (o:Organisation {id: 'O1'})-[:BASED_IN]->(r), (o)-[:STATIONED_AT]->(c), "
        "(p:Person)-[v:VOLUNTEERS_IN]->(o) RETURN o.kind AS kind, r.code AS region, "
        "c.id AS center, p.id AS volunteer, v.since AS since",
    ) == {
        "kind": "VOLUNTEER_TEAM",
        "region": "420602001001",
        "center": "C1",
        "volunteer": "P3",
        "since": date(2019, 5, 1),
    }
    assert one(
        empty_graph,
        "MATCH (c:GovernanceCenter {id: 'C2'})-[:SERVES]->(r) RETURN c.level AS l, r.code AS r",
    ) == {"l": "TOWNSHIP", "r": "420602001000"}


def test_case_events_are_applied_in_time_order(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path, BASE))
    case = one(
        empty_graph,
        "MATCH (c:Case {caseNo: 'K1'})-[:IN]->(g), (c)-[:REPORTED_BY]->(p) "
        "RETURN properties(c) AS c, g.code AS grid, p.id AS reporter",
    )
    assert case["grid"] == "G1" and case["reporter"] == "P1"
    facts = case["c"]
    assert {
        key: facts[key] for key in ("state", "level", "resolvedLevel", "lastSeq", "category")
    } == {
        "state": "CLOSED",
        "level": "COMMUNITY",
        "resolvedLevel": "COMMUNITY",
        "lastSeq": 6,
        "category": "DISPUTE",
    }
    assert facts["closedAt"] == datetime(2026, 1, 8, 9, 0, tzinfo=CST)
    events = empty_graph.cypher(
        "MATCH (:Case {caseNo: 'K1'})-[:HAS_EVENT]->(e) "
        "RETURN e.seq AS seq, e.action AS action, e.fromState AS from, e.toState AS to, "
        "e.level AS level, e.at AS at, e.note AS note, e.hash AS hash, "
        "[(e)-[:BY]->(p) | p.id] AS by, [(e)-[:AT]->(c) | c.id] AS center, "
        "[(e)-[:NEXT]->(n) | n.seq] AS next ORDER BY seq"
    )
    assert [
        (e["seq"], e["action"], e["from"], e["to"], e["level"], e["by"], e["center"], e["next"])
        for e in events
    ] == [
        (1, "REPORT", None, "REPORTED", "GRID", ["P1"], [], [2]),
        (2, "ACCEPT", "REPORTED", "ACCEPTED", "GRID", ["P3"], ["C1"], [3]),
        (3, "ESCALATE", "ACCEPTED", "ACCEPTED", "COMMUNITY", ["P3"], ["C2"], [4]),
        (4, "START", "ACCEPTED", "IN_PROGRESS", "COMMUNITY", ["P3"], ["C2"], [5]),
        (5, "RESOLVE", "IN_PROGRESS", "RESOLVED", "COMMUNITY", ["P3"], [], [6]),
        (6, "CLOSE", "RESOLVED", "CLOSED", "COMMUNITY", ["P1"], [], []),
    ]
    assert events[0]["note"] == "天花板渗水"
    # The event written in UTC keeps its offset; the hash chain verifies.
    assert events[2]["at"].utcoffset() == timedelta(0)
    assert events[2]["at"] == datetime(2026, 1, 5, 11, 0, tzinfo=CST)
    assert facts["lastHash"] == events[-1]["hash"]
    assert events[1]["hash"] == TEST_CHAIN.seal(
        event_content(
            events[0]["hash"],
            "K1",
            2,
            datetime(2026, 1, 5, 10, 0, tzinfo=CST),
            CaseAction.ACCEPT,
            CaseState.REPORTED,
            CaseState.ACCEPTED,
            GovernanceLevel.GRID,
            "P3",
            "C1",
            "受理",
        )
    )


def test_a_datetime_without_offset_is_shanghai_time(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path, BASE))
    reported = one(empty_graph, "MATCH (c:Case {caseNo: 'K2'}) RETURN c.reportedAt AS at")["at"]
    assert reported.utcoffset() == timedelta(hours=8)
    assert reported == datetime(2026, 1, 6, 2, 0, tzinfo=UTC)


def test_no_clear_id_number_or_phone_is_stored(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path, BASE))
    everything = "\n".join(dump(empty_graph, opened=False))
    for clear in (ID_NUMBER, ID_NUMBER[6:14], MOBILE, "3456789"):
        assert clear not in everything


# ------------------------------------------------------------------ idempotence and --replace


def test_importing_twice_leaves_the_same_graph(empty_graph: Graph, tmp_path: Path) -> None:
    folder = write(tmp_path, BASE)
    import_ok(empty_graph, folder)
    once = dump(empty_graph)
    import_ok(empty_graph, folder)
    assert dump(empty_graph) == once
    assert len(once) == 38 + 63  # nodes + relationships


def test_a_reimport_moves_a_record_and_updates_a_period(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "first", BASE))
    moved = changed(
        buildings=edited("buildings", "B1,G1,", "B1,G2,"),
        memberships=edited(
            "memberships", "P1,PO2,PRIMARY,2015-07-01,", "P1,PO2,PRIMARY,2015-07-01,2025-01-01"
        ),
        people=edited("people", "P1,张三,H1,", "P1,张三,,"),
    )
    import_ok(empty_graph, write(tmp_path / "second", moved))
    assert empty_graph.cypher("MATCH (:Building {code: 'B1'})-[:IN]->(g) RETURN g.code AS g") == [
        {"g": "G2"}
    ]
    assert empty_graph.cypher("MATCH (:Person {id: 'P1'})-[:LIVES_IN]->(h) RETURN h") == []
    assert empty_graph.cypher(
        "MATCH (:Person {id: 'P1'})-[m:MEMBER_OF]->() RETURN m.since AS since, m.until AS until"
    ) == [{"since": date(2015, 7, 1), "until": date(2025, 1, 1)}]


def test_replace_empties_the_database_first(empty_graph: Graph, tmp_path: Path) -> None:
    empty_graph.cypher("CREATE (:Region {code: 'OLD-1', name: 'old', level: 'CITY'}), (:Stray)")
    folder = write(tmp_path, BASE)
    import_ok(empty_graph, folder, replace=True)
    assert empty_graph.cypher("MATCH (n) WHERE n:Stray OR n.code = 'OLD-1' RETURN n") == []
    import_ok(empty_graph, folder)
    once = dump(empty_graph)
    import_ok(empty_graph, folder, replace=True)
    assert dump(empty_graph) == once


def test_errors_in_three_files_are_all_listed_and_nothing_changes(
    empty_graph: Graph, tmp_path: Path
) -> None:
    import_ok(empty_graph, write(tmp_path / "good", BASE))
    before = dump(empty_graph)
    bad = changed(
        grids=plus("grids", "G3,新网格,420602001001,compound"),
        people=plus("people", "P4,赵六,H9,X,,,"),
        case_events=plus("case_events", "K2,2026-01-06T12:00:00+08:00,CLOSE,,,"),
    )
    errors = rejected(empty_graph, write(tmp_path / "bad", bad), replace=True)
    assert errors == [
        'grids.csv:4: column kind: "compound" is not a grid kind; allowed: COMPOUND, '
        "HOUSEYARD, BASIC",
        'people.csv:5: column gender: "X" is not a gender; expected M, F or an empty cell',
        "people.csv:5: column household_id: no household H9 in households.csv",
        "case_events.csv:8: column action: Case K2 is ACCEPTED: CLOSE is not allowed; allowed "
        "actions: "
        "START, ESCALATE, REFER, NOTE. (the case's later events are checked once this one is "
        "right)",
    ]
    assert dump(empty_graph) == before


# ------------------------------------------------------------------ whole-file rules


def test_an_unknown_column_names_the_allowed_ones(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(empty_graph, tmp_path, stations=edited("stations", "address", "adress"))
    assert errors == [
        "stations.csv:1: column adress: unknown column; the columns of stations.csv are: "
        "id, name, kind, region_code, grid_code, address"
    ]


def test_a_missing_required_column(empty_graph: Graph, tmp_path: Path) -> None:
    text = "code,name,parent_code\n420600,襄阳市,\n"
    errors = errors_of(
        empty_graph,
        tmp_path,
        regions=text,
        grids=None,
        buildings=None,
        households=None,
        people=None,
        party_orgs=None,
        memberships=None,
        assignments=None,
        centers=None,
        stations=None,
        organisations=None,
        volunteers=None,
        cases=None,
        case_events=None,
    )
    assert errors == [
        "regions.csv:1: column level: is missing from the header; regions.csv needs this column"
    ]


def test_a_header_column_twice_and_a_row_too_long(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        centers="id,name,level,region_code,name\nC1,a,COMMUNITY,420602001001,b\n"
        "C2,b,TOWNSHIP,420602001000,,extra\n",
    )
    assert errors == [
        "centers.csv:1: column name: appears twice in the header",
        "centers.csv:3: column *: this row has 6 cells but the header has 5 columns",
    ]


def test_an_unknown_file_is_named(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(empty_graph, tmp_path, region="code,name\n")
    assert len(errors) == 1
    assert errors[0].startswith(
        "region.csv:1: column *: not a file the import reads; the files are: "
    )


def test_empty_rows_are_skipped_and_cells_trimmed(empty_graph: Graph, tmp_path: Path) -> None:
    grids = (
        "code , name,region_code,kind\n G1 ,凤鸣小区 ,420602001001, COMPOUND\n,,,\n\n"
        "G2,一组院落,420602001201,HOUSEYARD\n"
    )
    report = import_ok(empty_graph, write(tmp_path, changed(grids=grids)))
    assert report.counts["grids.csv"] == 2
    assert one(empty_graph, "MATCH (g:Grid {code: 'G1'}) RETURN g.name AS name") == {
        "name": "凤鸣小区"
    }


def test_a_quote_never_closed(empty_graph: Graph, tmp_path: Path) -> None:
    stations = plus("stations", '"S3,未闭合,OTHER,420602,,') + "x" * 140_000 + "\n"
    errors = errors_of(empty_graph, tmp_path, stations=stations)
    assert errors == [
        "stations.csv:4: column *: this is no longer readable CSV (field larger than field limit "
        "(131072)); look for a quote that is opened but never closed"
    ]


def test_a_quoted_cell_may_hold_commas_and_line_breaks(empty_graph: Graph, tmp_path: Path) -> None:
    buildings = plus("buildings", 'B3,G1,"3栋,东",', 'B4,G1,"4栋\n西",', "B5,G9,,")
    errors = errors_of(empty_graph, tmp_path, buildings=buildings)
    assert errors == [
        "buildings.csv:6: column grid_code: no grid G9 in grids.csv or in the database"
    ]


# ------------------------------------------------------------------ encodings


def test_utf8_with_a_byte_order_mark(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path, BASE, encoding="utf-8-sig"))
    assert one(empty_graph, "MATCH (r:Region {code: '420600'}) RETURN r.name AS name") == {
        "name": "襄阳市"
    }


def test_gb18030_with_chinese_text(empty_graph: Graph, tmp_path: Path) -> None:
    folder = write(tmp_path, BASE, encoding="gb18030")
    (folder / "grids.csv").write_bytes(BASE["grids.csv"].encode("gbk"))  # GBK is a subset
    assert (folder / "regions.csv").read_bytes() != BASE["regions.csv"].encode("utf-8")
    import_ok(empty_graph, folder)
    assert one(empty_graph, "MATCH (c:Case {caseNo: 'K1'}) RETURN c.title AS title") == {
        "title": "楼上漏水"
    }
    assert one(empty_graph, "MATCH (g:Grid {code: 'G2'}) RETURN g.name AS name") == {
        "name": "一组院落"
    }
    assert one(empty_graph, "MATCH (r:Region {code: '420602001000'}) RETURN r.name AS name") == {
        "name": "真武山街道"
    }


def test_a_file_that_is_neither_utf8_nor_gb18030(empty_graph: Graph, tmp_path: Path) -> None:
    folder = write(tmp_path, BASE)
    (folder / "volunteers.csv").write_bytes(b"person_id,org_id,since,until\nP3,O1\xff\xff,,\n")
    assert rejected(empty_graph, folder) == [
        "volunteers.csv:1: column *: the file is neither UTF-8 nor GB18030/GBK text; "
        "save it from the spreadsheet as 'CSV UTF-8'"
    ]


def test_damaged_utf8_is_not_taken_for_gb18030(empty_graph: Graph, tmp_path: Path) -> None:
    folder = write(tmp_path, BASE)
    text = BASE["organisations.csv"].encode("utf-8")
    (folder / "organisations.csv").write_bytes(text[:-4] + b"\xe5\x8a" + b"\n")  # a cut character
    assert rejected(empty_graph, folder) == [
        "organisations.csv:3: column *: this line is not valid UTF-8 although the text before it "
        "is; retype the damaged characters or save the file again as 'CSV UTF-8'"
    ]


def test_utf16_is_refused(empty_graph: Graph, tmp_path: Path) -> None:
    folder = write(tmp_path, BASE)
    (folder / "volunteers.csv").write_bytes(BASE["volunteers.csv"].encode("utf-16"))
    errors = rejected(empty_graph, folder)
    assert len(errors) == 1 and errors[0].startswith(
        "volunteers.csv:1: column *: the file holds NUL bytes"
    )


def test_characters_that_are_not_text(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph, tmp_path, buildings=plus("buildings", "B3,G1,\ue000栋,", "B4,G1,a\x07b,")
    )
    assert errors == [
        "buildings.csv:4: column name: holds a character that is not text (U+E000, a private-use "
        "character); check the file's encoding or save it as 'CSV UTF-8'",
        "buildings.csv:5: column name: holds a character that is not text (U+0007, a control "
        "character); check the file's encoding or save it as 'CSV UTF-8'",
    ]


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


# ------------------------------------------------------------------ keys and references


def test_duplicate_keys_within_a_file(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        grids=plus("grids", "G1,重复,420602001001,BASIC"),
        memberships=plus("memberships", "P1,PO2,PRIMARY,2015-07-01,2020-01-01"),
        assignments=plus(
            "assignments", "A1,GRID_WORKER,P3,G1,,", ",CENTRAL_HOUSEHOLD,P1,H2,2022-01-01,"
        ),
        stations=plus("stations", "S2,又一个,OTHER,420602,,"),
    )
    assert errors == [
        "grids.csv:4: column code: the same code as line 2; each appears once",
        "memberships.csv:4: column person_id: the same person_id, org_id, kind and since as "
        "line 2; each appears once",
        "assignments.csv:6: column id: the same id as line 2; each appears once",
        "assignments.csv:7: column id: the same role, holder, target and since (which identify a "
        "row without an id) as line 4; each appears once",
        "stations.csv:4: column id: the same id as line 3; each appears once",
    ]


def test_a_reference_to_nothing(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        buildings=plus("buildings", "B3,G9,,"),
        organisations=plus("organisations", "O3,某队,OTHER,420602,C9"),
        case_events=plus("case_events", "K9,2026-01-06T11:00:00+08:00,ACCEPT,P9,,"),
    )
    assert errors == [
        "buildings.csv:4: column grid_code: no grid G9 in grids.csv or in the database",
        "organisations.csv:4: column center_id: no governance centre C9 in centers.csv or in "
        "the database",
        "case_events.csv:8: column case_no: no case K9 in cases.csv or in the database",
        "case_events.csv:8: column actor_id: no person P9 in people.csv or in the database",
    ]


def test_region_codes(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        regions=plus(
            "regions",
            "4206021,七位,COMMUNITY,420602001000",
            "XY-新区,新区,COUNTY,420600",
            "XY-east-1,东区,COUNTY,420600",
        ),
    )
    message = (
        "is not a region code; use the 6-digit (GB/T 2260) or 12-digit official code, or a "
        "code of letters, digits and '-' with at least one letter"
    )
    assert errors == [
        f"regions.csv:7: column code: 4206021 {message}",
        f"regions.csv:8: column code: XY-新区 {message}",
    ]


def test_a_regions_parent_exists_and_is_higher(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        regions=plus(
            "regions",
            "420602001002,汉水社区,COMMUNITY,420602001201",
            "420602002000,古城街道,TOWNSHIP,420699",
            "420602003000,檀溪街道,CITY,420602",
        ),
    )
    assert errors == [
        "regions.csv:7: column parent_code: the parent is a VILLAGE, not above a COMMUNITY; a "
        "parent "
        "is of a higher level (CITY, then COUNTY, TOWNSHIP, then COMMUNITY or VILLAGE)",
        "regions.csv:8: column parent_code: no region 420699 in regions.csv or in the database",
        "regions.csv:9: column parent_code: the parent is a COUNTY, not above a CITY; a parent is "
        "of a higher level (CITY, then COUNTY, TOWNSHIP, then COMMUNITY or VILLAGE)",
    ]


def test_regions_in_a_cycle(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        regions=plus("regions", "XY-A,甲,COUNTY,XY-B", "XY-B,乙,COUNTY,XY-A"),
    )
    assert errors == [
        "regions.csv:7: column parent_code: the parents form a cycle: XY-A → XY-B → XY-A; one "
        "must be the top",
        "regions.csv:8: column parent_code: the parents form a cycle: XY-A → XY-B → XY-A; one "
        "must be the top",
    ]


def test_party_organisations_in_a_cycle(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        party_orgs=edited("party_orgs", "COMMITTEE,420602001001,", "COMMITTEE,420602001001,PO3"),
    )
    cycle = "the parents form a cycle: PO1 → PO3 → PO2 → PO1; one must be the top"
    assert errors == [f"party_orgs.csv:{line}: column parent_id: {cycle}" for line in (2, 3, 4)]


def test_a_grid_lies_in_a_community_or_village(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(empty_graph, tmp_path, grids=plus("grids", "G3,街道网格,420602001000,BASIC"))
    assert errors == [
        "grids.csv:4: column region_code: the region is a TOWNSHIP; a grid lies in a COMMUNITY "
        "or a VILLAGE"
    ]


def test_assignment_holders_and_targets_follow_the_role(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        assignments=plus(
            "assignments",
            "A5,GRID_WORKER,PO2,G1,,",
            "A6,BUILDING_GROUP,PO3,H1,,",
            "A7,HOUSEYARD_LEADER,P2,G1,,",
        ),
    )
    assert errors == [
        "assignments.csv:6: column holder: no person PO2 in people.csv or in the database; "
        "GRID_WORKER is held by a person and targets a grid code",
        "assignments.csv:7: column target: no building H1 in buildings.csv or in the database; "
        "BUILDING_GROUP is held by a party organisation and targets a building code",
        "assignments.csv:8: column target: the grid is a COMPOUND grid; HOUSEYARD_LEADER is held "
        "by a person and targets the code of a HOUSEYARD grid",
    ]


# ------------------------------------------------------------------ cases


def test_an_invalid_transition_is_reported_on_its_line(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        case_events=edited(
            "case_events",
            "K1,2026-01-06T09:00:00+08:00,START",
            "K1,2026-01-06T09:00:00+08:00,REOPEN",
        ),
    )
    assert errors == [
        "case_events.csv:5: column action: Case K1 is ACCEPTED: REOPEN is not allowed; allowed "
        "actions: START, ESCALATE, REFER, NOTE. (the case's later events are checked once this "
        "one is right)"
    ]


def test_an_event_before_the_report(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        case_events=plus("case_events", "K2,2026-01-06T09:59:00+08:00,NOTE,,,太早"),
    )
    assert errors == [
        "case_events.csv:8: column at: Case K2: the time 2026-01-06T09:59:00+08:00 is before "
        "its last "
        "event (seq 1 at 2026-01-06T10:00:00+08:00). (the case's later events are checked once "
        "this one is right)"
    ]


def test_report_belongs_in_cases_csv(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(
        empty_graph,
        tmp_path,
        case_events=plus("case_events", "K2,2026-01-07T09:00:00+08:00,REPORT,,,"),
    )
    assert errors == [
        "case_events.csv:8: column action: REPORT is not an event of this file: a case's "
        "report is its row in cases.csv"
    ]


def test_events_continue_a_stored_case(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "first", BASE))
    stored_hash = one(empty_graph, "MATCH (c:Case {caseNo: 'K2'}) RETURN c.lastHash AS h")["h"]
    later = {
        "case_events.csv": "case_no,at,action,actor_id,center_id,note\n"
        "K2,2026-01-06T11:00:00+08:00,ACCEPT,,,\n"  # already stored
        "K2,2026-01-07T09:00:00+08:00,START,P3,,\n"
        "K2,2026-01-08T09:00:00+08:00,RESOLVE,P3,,\n",
    }
    import_ok(empty_graph, write(tmp_path / "second", later))
    case = one(
        empty_graph,
        "MATCH (c:Case {caseNo: 'K2'}) RETURN c.state AS state, c.lastSeq AS seq, c.title AS title",
    )
    assert case == {"state": "RESOLVED", "seq": 4, "title": "路灯损坏"}
    events = empty_graph.cypher(
        "MATCH (:Case {caseNo: 'K2'})-[:HAS_EVENT]->(e) OPTIONAL MATCH (p)-[:NEXT]->(e) "
        "RETURN e.seq AS seq, e.action AS action, p.seq AS previous, e.hash AS hash ORDER BY seq"
    )
    assert [(e["seq"], e["action"], e["previous"]) for e in events] == [
        (1, "REPORT", None),
        (2, "ACCEPT", 1),
        (3, "START", 2),
        (4, "RESOLVE", 3),
    ]
    assert events[2]["hash"] == TEST_CHAIN.seal(
        event_content(
            stored_hash,
            "K2",
            3,
            datetime(2026, 1, 7, 9, 0, tzinfo=CST),
            CaseAction.START,
            CaseState.ACCEPTED,
            CaseState.IN_PROGRESS,
            GovernanceLevel.GRID,
            "P3",
            None,
            None,
        )
    )
    import_ok(empty_graph, write(tmp_path / "second", later))
    assert empty_graph.cypher(
        "MATCH (:Case {caseNo: 'K2'})-[:HAS_EVENT]->(e) RETURN count(e) AS n"
    ) == [{"n": 4}]


def test_a_dataset_cannot_rewrite_stored_history(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "first", BASE))
    errors = errors_of(
        empty_graph,
        tmp_path,
        case_events=edited(
            "case_events",
            "K2,2026-01-06T11:00:00+08:00,ACCEPT",
            "K2,2026-01-06T11:00:00+08:00,VOID",
        ),
    )
    assert errors == [
        "cases.csv:3: column case_no: the database already holds event 2 of case K2 as ACCEPT at "
        "2026-01-06T11:00:00+08:00, but case_events.csv line 7 makes it VOID at "
        "2026-01-06T11:00:00+08:00; recorded events cannot be changed, only followed by new ones"
    ]


# ------------------------------------------------------------------ the database as reference


PART_ONE = (
    "regions.csv",
    "grids.csv",
    "buildings.csv",
    "households.csv",
    "people.csv",
    "party_orgs.csv",
    "centers.csv",
    "organisations.csv",
    "cases.csv",
)


def test_references_into_the_database(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "one", {name: BASE[name] for name in PART_ONE}))
    rest = {name: text for name, text in BASE.items() if name not in PART_ONE}
    folder = write(tmp_path / "two", rest)

    async def checked_with_statements(db: Database) -> tuple[list[str], int]:
        checked = await validate(db, folder, replace=False, chain=TEST_CHAIN)
        return checked.problems, db.statements

    problems, statements = empty_graph.run(checked_with_statements)
    assert problems == []
    # One look-up per label referred to: Region, Grid, Building, Household, Person,
    # PartyOrganization, GovernanceCenter, Organisation and Case.
    assert statements == 9
    import_ok(empty_graph, folder)
    assert one(
        empty_graph, "MATCH (c:Case {caseNo: 'K1'}) RETURN c.state AS s, c.lastSeq AS n"
    ) == {"s": "CLOSED", "n": 6}
    assert empty_graph.cypher(
        "MATCH (a:Assignment)-[:TARGETS]->(:Household {id: 'H2'}) RETURN count(a) AS n"
    ) == [{"n": 1}]


def test_the_database_answers_kinds_levels_and_cycles(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "one", BASE))
    folder = write(
        tmp_path / "two",
        {
            "grids.csv": "code,name,region_code,kind\nG3,街道网格,420602001000,BASIC\n",
            "assignments.csv": "id,role,holder,target,since,until\nA9,HOUSEYARD_LEADER,P1,G1,,\n",
            "party_orgs.csv": "id,name,level,region_code,parent_id\n"
            "PO1,凤鸣社区党委,COMMUNITY_COMMITTEE,420602001001,PO3\n",
        },
    )
    assert rejected(empty_graph, folder) == [
        "grids.csv:2: column region_code: the region is a TOWNSHIP; a grid lies in a COMMUNITY "
        "or a VILLAGE",
        "party_orgs.csv:2: column parent_id: the parents form a cycle: PO1 → PO3 → PO2 → PO1; "
        "one must be the top",
        "assignments.csv:2: column target: the grid is a COMPOUND grid; HOUSEYARD_LEADER is "
        "held by "
        "a person and targets the code of a HOUSEYARD grid",
    ]


def test_with_replace_only_the_dataset_counts(empty_graph: Graph, tmp_path: Path) -> None:
    import_ok(empty_graph, write(tmp_path / "one", BASE))
    folder = write(tmp_path / "two", {"volunteers.csv": BASE["volunteers.csv"]})
    assert rejected(empty_graph, folder, replace=True) == [
        "volunteers.csv:2: column person_id: no person P3 in people.csv",
        "volunteers.csv:2: column org_id: no organisation O1 in organisations.csv",
    ]
    import_ok(empty_graph, folder)  # without --replace the database holds them


def test_a_folder_without_dataset_files(empty_graph: Graph, tmp_path: Path) -> None:
    errors = rejected(empty_graph, tmp_path)
    assert len(errors) == 1 and "holds none of the files the import reads" in errors[0]


@pytest.mark.skipif(not (DEMO / "regions.csv").exists(), reason="no demo dataset yet")
def test_the_demo_dataset_imports(empty_graph: Graph) -> None:
    report = import_ok(empty_graph, DEMO)
    assert report.total > 0
    once = dump(empty_graph)
    import_ok(empty_graph, DEMO)
    assert dump(empty_graph) == once
