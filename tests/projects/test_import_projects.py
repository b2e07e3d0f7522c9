"""Issue #12 items 1-2 in the CSV import (docs/import.md): meetings with attendees and
matters, projects with their histories and ratings; imported twice the same; replaced;
checked with FILE:LINE: column messages, nothing written when any is wrong."""

from pathlib import Path

from graph.core.db import Database
from graph.importing.checks import validate
from tests.importing.support import changed, errors_of, import_ok, write
from tests.support import TEST_CHAIN, Graph

FILES = {
    "meetings": "id,at,kind,grid_code,building_code,title\n"
    "M1,2026-01-03T19:30:00+08:00,EVENING_TALK,G1,B1,幸福夜话\n"
    "M2,2026-01-04T09:00:00+08:00,RED_HOUSEYARD_TALK,G2,,屋场恳谈会\n",
    "meeting_attendees": "meeting_id,person_id,org_id,party_org_id\nM1,P1,,\nM1,,,PO2\nM2,P2,,\n",
    "projects": "id,title,kind,origin,grid_code,case_no,meeting_id,materials,money_yuan,"
    "labour_days,supervisors\n"
    "J1,充电棚,CHARGER_SHED,MEETING,G1,,M1,钢棚,30000,40,P1;P3\n"
    "J2,晒场,SHARED_SPACE,CASE,G2,K1,,,,,\n",
    "project_events": "project_id,seq,at,state,actor_id,note\n"
    "J1,1,2026-01-05T10:00:00+08:00,PROPOSED,P3,\n"
    "J1,2,2026-01-10T10:00:00+08:00,PLANNED,,\n"
    "J1,3,2026-02-01T10:00:00+08:00,BUILDING,,\n"
    "J1,4,2026-03-01T10:00:00+08:00,DONE,,\n"
    "J2,1,2026-01-06T10:00:00+08:00,PROPOSED,,\n",
    "meeting_matters": "meeting_id,seq,kind,text,case_no,project_id\n"
    "M1,1,RAISED,电动车充电难,,J1\nM1,2,COMMITMENT,两周内出方案,,\nM2,1,RAISED,漏水,K1,\n",
    "project_evaluations": "project_id,household_id,at,rating,comment\n"
    "J1,H1,2026-03-02T19:00:00+08:00,SATISFIED,好\n",
}

SHAPE = """
MATCH (j:Project {id: 'J1'})-[:IN]->(g:Grid), (j)-[:CAME_FROM]->(m:Meeting)
RETURN j.state AS state, j.lastSeq AS lastSeq, j.moneyYuan AS money, j.labourDays AS days,
       g.code AS grid, m.id AS meeting,
       COLLECT { MATCH (j)-[:SUPERVISED_BY]->(p) RETURN p.id ORDER BY p.id } AS supervisors,
       COLLECT { MATCH (j)-[:HAS_EVENT]->(e) RETURN e.toState ORDER BY e.seq } AS history,
       COLLECT { MATCH (j)<-[:OF]-(e:Evaluation)-[:BY]->(h) RETURN h.id } AS raters,
       COLLECT { MATCH (m)-[:ATTENDED_BY]->(x) RETURN x.id ORDER BY x.id } AS attendees,
       COLLECT { MATCH (m)-[:RAISED]->(t)-[:BECAME]->(y:Project) RETURN t.id } AS became,
       head([(m)-[:AT]->(b:Building) | b.code]) AS building,
       head([(:Project {id: 'J2'})-[:CAME_FROM]->(c:Case) | c.caseNo]) AS fromCase
"""


def test_meetings_and_projects_import_and_import_again_the_same(
    empty_graph: Graph, tmp_path: Path
) -> None:
    folder = write(tmp_path / "ok", changed(**FILES))
    report = import_ok(empty_graph, folder)
    assert report.counts["project_events.csv"] == 5 and report.counts["meetings.csv"] == 2
    (found,) = empty_graph.cypher(SHAPE)
    assert found == {
        "state": "DONE",
        "lastSeq": 4,
        "money": 30000,
        "days": 40,
        "grid": "G1",
        "meeting": "M1",
        "supervisors": ["P1", "P3"],
        "history": ["PROPOSED", "PLANNED", "BUILDING", "DONE"],
        "raters": ["H1"],
        "attendees": ["P1", "PO2"],
        "became": ["M1-1"],
        "building": "B1",
        "fromCase": "K1",
    }
    counts = (
        "MATCH (n) WHERE n:Project OR n:ProjectEvent OR n:Meeting OR n:Matter "
        "OR n:Evaluation RETURN labels(n)[0] AS label, count(n) AS n ORDER BY label"
    )
    before = empty_graph.cypher(counts)
    import_ok(empty_graph, folder)
    assert empty_graph.cypher(counts) == before
    assert empty_graph.cypher(SHAPE) == [found]
    # A replace keeps the dataset's meetings and matters only, and every project's history.
    fewer = {
        **FILES,
        "meetings": FILES["meetings"].rsplit("M2,", 1)[0],
        "meeting_attendees": "meeting_id,person_id,org_id,party_org_id\nM1,P1,,\n",
        "meeting_matters": "meeting_id,seq,kind,text,case_no,project_id\nM1,1,RAISED,充电难,,J1\n",
    }
    import_ok(empty_graph, write(tmp_path / "fewer", changed(**fewer)), replace=True)
    kept = dict((row["label"], row["n"]) for row in empty_graph.cypher(counts))
    assert kept["Meeting"] == 1 and kept["Matter"] == 1 and kept["ProjectEvent"] == 5
    (again,) = empty_graph.cypher(SHAPE)
    assert again["attendees"] == ["P1"] and again["history"] == found["history"]


def test_a_projects_history_and_ratings_are_checked(empty_graph: Graph, tmp_path: Path) -> None:
    events = (
        "project_id,seq,at,state,actor_id,note\n"
        "J1,1,2026-01-05T10:00:00+08:00,PROPOSED,,\n"
        "J1,2,2026-01-10T10:00:00+08:00,BUILDING,,\n"  # skips PLANNED
        "J2,2,2026-01-06T10:00:00+08:00,PROPOSED,,\n"  # no seq 1
        "J9,1,2026-01-06T10:00:00+08:00,PROPOSED,P9,\n"
    )
    errors = errors_of(
        empty_graph,
        tmp_path,
        **{
            **FILES,
            "project_events": events,
            "projects": FILES["projects"].replace(
                "J2,晒场,SHARED_SPACE,CASE,G2,K1", "J2,晒场,SHARED_SPACE,CASE,G2,"
            ),
            "meeting_attendees": FILES["meeting_attendees"] + "M1,P1,O1,\nM1,P1,,\n",
            "meeting_matters": FILES["meeting_matters"] + "M1,2,RAISED,又一件,K1,J1\n",
        },
    )
    assert errors == [
        "meeting_attendees.csv:5: column person_id: an attendee is a person, an organisation or "
        "a party organisation: give one of person_id, org_id, party_org_id",
        "meeting_attendees.csv:6: column person_id: the same meeting_id and person_id as line 2; "
        "each appears once",
        "projects.csv:3: column case_no: a project that came from a case names it: give case_no",
        "project_events.csv:3: column state: BUILDING cannot come after PROPOSED; PLANNED does",
        "project_events.csv:4: column seq: project J2's events run 1, 2, 3 … without a gap or a "
        "repeat; seq 1 is next",
        "project_events.csv:5: column project_id: no project J9 in projects.csv or in the database",
        "project_events.csv:5: column actor_id: no person P9 in people.csv or in the database",
        "meeting_matters.csv:5: column seq: the same meeting_id and seq as line 3; each appears "
        "once",
        "meeting_matters.csv:5: column project_id: a matter became a case or a project, not both",
        "project_evaluations.csv:2: column at: project J1 is not DONE at this time; residents "
        "rate a finished project",
    ]
    assert empty_graph.cypher("MATCH (n:Project) RETURN count(n) AS n") == [{"n": 0}]


def test_a_project_needs_its_history(empty_graph: Graph, tmp_path: Path) -> None:
    no_history = {**FILES, "project_events": "project_id,seq,at,state,actor_id,note\n"}
    no_history["project_evaluations"] = "project_id,household_id,at,rating,comment\n"
    assert errors_of(empty_graph, tmp_path, **no_history) == [
        "projects.csv:2: column id: project J1 has no history: project_events.csv needs its "
        "PROPOSED event (seq 1)",
        "projects.csv:3: column id: project J2 has no history: project_events.csv needs its "
        "PROPOSED event (seq 1)",
    ]


def test_a_meeting_and_a_rating_lie_in_the_grid_they_name(
    empty_graph: Graph, tmp_path: Path
) -> None:
    """As the API refuses them: a meeting at a building of another grid, a project rated by a
    household of another grid (B2 and H3 lie in G2; J1 is in G1)."""
    meetings = FILES["meetings"] + "M3,2026-01-05T19:30:00+08:00,EVENING_TALK,G1,B2,夜话\n"
    ratings = (
        FILES["project_evaluations"] + "J1,H3,2026-03-03T19:00:00+08:00,BASICALLY_SATISFIED,\n"
    )
    assert errors_of(
        empty_graph, tmp_path, **{**FILES, "meetings": meetings, "project_evaluations": ratings}
    ) == [
        "meetings.csv:4: column building_code: building B2 is in grid G2, not in the meeting's "
        "grid G1; a meeting held at a building is held in that building's grid",
        "project_evaluations.csv:3: column household_id: household H3 is in grid G2, not in "
        "project J1's grid G1; a project is rated by the households of its grid or house-yard",
    ]
    assert empty_graph.cypher("MATCH (n:Meeting) RETURN count(n) AS n") == [{"n": 0}]


def test_places_of_stored_records_are_looked_up_by_key(empty_graph: Graph, tmp_path: Path) -> None:
    """A later import naming stored records asks the database where just those lie: one
    statement per kind (households' buildings, buildings' grids, projects' grids)."""
    import_ok(empty_graph, write(tmp_path / "city", changed(**FILES)))
    folder = write(
        tmp_path / "later",
        {
            "meetings.csv": "id,at,kind,grid_code,building_code,title\n"
            "M4,2026-04-01T19:30:00+08:00,EVENING_TALK,G2,B1,夜话\n",
            "project_evaluations.csv": "project_id,household_id,at,rating,comment\n"
            "J1,H2,2026-04-02T19:00:00+08:00,SATISFIED,\n"
            "J1,H3,2026-04-02T19:00:00+08:00,NOT_SATISFIED,\n",
        },
    )

    async def checked(db: Database) -> tuple[list[str], int]:
        before = db.statements
        found = await validate(db, folder, replace=False, chain=TEST_CHAIN)
        return found.problems, db.statements - before

    problems, statements = empty_graph.run(checked)
    assert problems == [
        "meetings.csv:2: column building_code: building B1 is in grid G1, not in the meeting's "
        "grid G2; a meeting held at a building is held in that building's grid",
        "project_evaluations.csv:3: column household_id: household H3 is in grid G2, not in "
        "project J1's grid G1; a project is rated by the households of its grid or house-yard",
    ]
    # References (grids, buildings, households, projects; stored cases: none) and places.
    assert statements == 4 + 3
