"""The project's own files and columns (docs/import.md): visits, ratings, stations'
services, organisations' grids, cases' sources, and the bound of a red house-yard."""

from pathlib import Path

from tests.importing.support import changed, errors_of, import_ok, plus, write
from tests.support import Graph

RATINGS = """case_no,household_id,at,rating,comment
K1,H1,2026-01-09T09:00:00+08:00,NOT_SATISFIED,又漏了
"""


def test_the_projects_files_and_columns_import(empty_graph: Graph, tmp_path: Path) -> None:
    files = changed(
        evaluations=RATINGS,
        visits="id,household_id,at,purpose,visitor_id,org_id,outcome\n"
        "V1,H3,2026-02-01T10:00:00+08:00,CARE,P2,PO1,送药上门\n",
        stations="id,name,kind,region_code,grid_code,address,services,target_groups\n"
        "S1,红色驿站,RED_STATION,420602001001,G1,,休息；饮水、充电,快递员\n",
        organisations="id,name,kind,region_code,center_id,grid_code\n"
        "O1,红马甲志愿服务队,VOLUNTEER_TEAM,420602001001,C1,G1\n"
        "O2,汉江律师事务所,LAW_FIRM,420602,,\n",
        cases="case_no,title,category,grid_code,reported_at,reported_by,note,source\n"
        "K1,楼上漏水,DISPUTE,G1,2026-01-05T09:00:00+08:00,P1,,PROACTIVE_SEARCH\n"
        "K2,路灯损坏,HAZARD,G2,2026-01-06 10:00:00,,,\n",
    )
    report = import_ok(empty_graph, write(tmp_path / "ok", files))
    assert report.counts["evaluations.csv"] == 1 and report.counts["visits.csv"] == 1
    (found,) = empty_graph.cypher(
        "MATCH (s:ServiceStation {id: 'S1'}), (o:Organisation {id: 'O1'})-[:BASED_IN]->(g:Grid), "
        "(v:Visit {id: 'V1'})-[:TO]->(:Household {id: 'H3'}), (v)-[:FOR]->(po:PartyOrganization), "
        "(e:Evaluation)-[:OF]->(k:Case {caseNo: 'K1'}), (e)-[:BY]->(:Household {id: 'H1'}) "
        "RETURN s.services AS services, s.targetGroups AS groups, g.code AS grid, po.id AS org, "
        "k.source AS source, e.rating AS rating"
    )
    assert found == {
        "services": ["休息", "饮水", "充电"],
        "groups": ["快递员"],
        "grid": "G1",
        "org": "PO1",
        "source": "PROACTIVE_SEARCH",
        "rating": "NOT_SATISFIED",
    }
    # Importing the same again changes nothing.
    import_ok(empty_graph, write(tmp_path / "ok", files))
    assert empty_graph.cypher("MATCH (n:Evaluation) RETURN count(n) AS n") == [{"n": 1}]
    assert empty_graph.cypher("MATCH (n:Visit) RETURN count(n) AS n") == [{"n": 1}]


def test_a_rating_judges_a_closed_case_once_per_closing(empty_graph: Graph, tmp_path: Path) -> None:
    ratings = (
        RATINGS
        + "K1,H1,2026-01-07T12:00:00+08:00,SATISFIED,\n"  # K1 is RESOLVED then
        + "K2,H3,2026-02-01T12:00:00+08:00,SATISFIED,\n"  # K2 is never closed
        + "K1,H1,2026-01-10T09:00:00+08:00,SATISFIED,\n"  # the same closing again
        + "K9,H1,2026-01-10T09:00:00+08:00,SATISFIED,\n"
    )
    errors = errors_of(empty_graph, tmp_path, evaluations=ratings)
    assert errors == [
        "evaluations.csv:3: column at: case K1 is not CLOSED at this time; residents rate a closed "
        "case",
        "evaluations.csv:4: column at: case K2 is not CLOSED at this time; residents rate a closed "
        "case",
        "evaluations.csv:5: column at: the same household_id and closing of the case (one rating "
        "of each closing) as line 2; each appears once",
        "evaluations.csv:6: column case_no: no case K9 in cases.csv or in the database",
    ]


def test_a_visit_needs_someone_who_visits(empty_graph: Graph, tmp_path: Path) -> None:
    visits = "id,household_id,at,purpose,visitor_id,org_id,outcome\nV1,H9,2026-02-01,CHAT,,,\n"
    assert errors_of(empty_graph, tmp_path, visits=visits) == [
        'visits.csv:2: column at: "2026-02-01" is not a date and time; expected ISO 8601 such as '
        "2024-03-01T09:30:00+08:00 (without an offset it is Asia/Shanghai time)",
        'visits.csv:2: column purpose: "CHAT" is not a visit purpose; allowed: CONSENT, '
        "DISPUTE, CARE, SURVEY, FOLLOW_UP, OTHER",
        "visits.csv:2: column visitor_id: a visit is made by someone: give visitor_id, org_id or "
        "both",
        "visits.csv:2: column household_id: no household H9 in households.csv or in the database",
    ]


def test_a_red_house_yard_holds_at_most_30_households(empty_graph: Graph, tmp_path: Path) -> None:
    rows = [f"Y{number},B2,{number}号," for number in range(1, 31)]
    errors = errors_of(empty_graph, tmp_path, households=plus("households", *rows))
    # H3 (line 4) is the yard's first household, Y30 (line 34) its 31st.
    assert errors == [
        "households.csv:34: column building_code: house-yard G2 gets its 31st household here; a "
        "red house-yard (红色屋场) holds 10 to 30 households: split it"
    ]
