"""The import tests' dataset (BASE, a small valid one) and helpers to edit, import and read
it."""

import json
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from graph.core.db import NOT_BOOKKEEPING
from graph.importing.online import ImportRejected, ImportReport, import_dataset
from tests.support import TEST_PII_KEYS, Graph, open_seals

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
    nodes = graph.cypher(
        f"MATCH (n) WHERE {NOT_BOOKKEEPING} RETURN labels(n) AS labels, properties(n) AS props"
    )
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
