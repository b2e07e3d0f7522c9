"""The coverage kept in the graph (graph.kept.coverage): read in one statement, changed by
assign and endAssignment in their own transaction, made by the migration for a graph that
lacks it, and audited; always equal to the full recounts of graph.kept.oracle."""

from datetime import date
from typing import Any

import pytest

from graph.kept import coverage, oracle
from graph.party import Coverage
from tests.support import Api, Graph, govgraph

pytestmark = pytest.mark.usefixtures("demo")

CITY = "420600"
COUNTY = "420602"
YARD = "420624100201-G03"  # a house-yard grid of the demo, without a leader today
FIGURES = "within buildings coveredBuildings households coveredHouseholds grids gridsWithWorker"
TREE = f"""query($w: String!, $asOf: Date) {{ coverage(within: $w, asOf: $asOf) {{
  {FIGURES} children {{ {FIGURES} children {{ {FIGURES} children {{ {FIGURES} }} }} }} }} }}"""
LISTS = """query($w: String!, $asOf: Date) {
  uncoveredBuildings(within: $w, asOf: $asOf, first: 500) { totalCount nodes { code } }
  uncoveredHouseholds(within: $w, asOf: $asOf, first: 500) { totalCount nodes { id } }
  stats(within: $w, asOf: $asOf) { regions grids buildings households people
    partyOrganizations partyMembers centralHouseholds governanceCenters redStations
    canteens cases organisations socialOrganisations volunteerTeams volunteers
    dualReporters } }"""
DAYS = [date(2020, 1, 1), date(2025, 10, 1), date(2026, 7, 1), date(2026, 11, 30), date(2027, 6, 1)]


def recounted(graph: Graph, within: str, as_of: date) -> Coverage:
    return graph.run(lambda db: oracle.coverage_of(db, [within], as_of))[within]


def check_tree(graph: Graph, report: dict[str, Any], as_of: date) -> None:
    """Every figure of the report and of its parts, level by level, as the full recount."""
    expected = recounted(graph, report["within"], as_of)
    figures = {
        "within": expected.within,
        "buildings": expected.buildings,
        "coveredBuildings": expected.covered_buildings,
        "households": expected.households,
        "coveredHouseholds": expected.covered_households,
        "grids": expected.grids,
        "gridsWithWorker": expected.grids_with_worker,
    }
    assert {key: report[key] for key in figures} == figures, (report["within"], as_of)
    if "children" in report:
        assert [part["within"] for part in report["children"]] == [
            part.within for part in expected.children or ()
        ]
        for part in report["children"]:
            check_tree(graph, part, as_of)


def check_everything(graph: Graph, api: Api, within: str, as_of: date) -> None:
    variables = {"w": within, "asOf": as_of.isoformat()}
    check_tree(graph, api.data(TREE, variables)["coverage"], as_of)
    answer = api.data(LISTS, variables)
    buildings = graph.run(lambda db: oracle.uncovered_buildings(db, within, as_of))
    households = graph.run(lambda db: oracle.uncovered_households(db, within, as_of))
    assert [b["code"] for b in answer["uncoveredBuildings"]["nodes"]] == buildings
    assert answer["uncoveredBuildings"]["totalCount"] == len(buildings)
    assert [h["id"] for h in answer["uncoveredHouseholds"]["nodes"]] == households
    assert answer["uncoveredHouseholds"]["totalCount"] == len(households)
    stats = graph.run(lambda db: oracle.stats(db, [within], as_of))
    assert answer["stats"] == {
        "regions": stats.regions,
        "grids": stats.grids,
        "buildings": stats.buildings,
        "households": stats.households,
        "people": stats.people,
        "partyOrganizations": stats.party_organizations,
        "partyMembers": stats.party_members,
        "centralHouseholds": stats.central_households,
        "governanceCenters": stats.governance_centers,
        "redStations": stats.red_stations,
        "canteens": stats.canteens,
        "cases": stats.cases,
        "organisations": stats.organisations,
        "socialOrganisations": stats.social_organisations,
        "volunteerTeams": stats.volunteer_teams,
        "volunteers": stats.volunteers,
        "dualReporters": stats.dual_reporters,
    }


def audit(graph: Graph, *args: str) -> Any:
    return govgraph(graph, "audit", "coverage", *args)


def test_each_question_is_one_statement_whatever_its_depth(api: Api) -> None:
    variables = {"w": CITY, "asOf": "2026-11-30"}
    assert api.statements(TREE, variables) == 1
    for name, key in (("uncoveredBuildings", "code"), ("uncoveredHouseholds", "id")):
        page = f"""query($w: String!) {{ {name}(within: $w, first: 3) {{
          totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {key} }} }} }}"""
        assert api.statements(page, {"w": COUNTY}) == 1
    assert api.statements('{ stats(within: "420602") { people centralHouseholds } }') == 1
    planner = api.as_("PLANNER", COUNTY)
    assert planner.statements(TREE, {"w": COUNTY}) == 1
    assert planner.error_codes(TREE, {"w": CITY}) == ["FORBIDDEN"]
    assert api.error_codes(TREE, {"w": "420699"}) == ["NOT_FOUND"]
    assert api.error_codes('{ uncoveredHouseholds(within: "X") { totalCount } }') == ["NOT_FOUND"]


def test_the_kept_figures_are_the_recounted_ones_on_every_day(graph: Graph, api: Api) -> None:
    for as_of in DAYS:
        check_everything(graph, api, CITY, as_of)
    check_everything(graph, api, YARD, DAYS[-1])


def test_assign_and_end_assignment_keep_the_figures(graph: Graph, api: Api) -> None:
    (leader,) = graph.cypher("MATCH (p:Person) RETURN p.id AS id ORDER BY id LIMIT 1")
    (group,) = graph.cypher(
        "MATCH (o:PartyOrganization)-[:BELONGS_TO]->(:Region)-[:PART_OF*0..]->(:Region {code: $c}) "
        "RETURN o.id AS id ORDER BY id LIMIT 1",
        c=COUNTY,
    )
    (building,) = graph.cypher(
        "MATCH (b:Building)-[:IN]->(:Grid)-[:IN]->(:Region)-[:PART_OF*0..]->(:Region {code: $c}) "
        "RETURN b.code AS code ORDER BY code DESC LIMIT 1",
        c=COUNTY,
    )
    (household,) = graph.cypher(
        "MATCH (h:Household)-[:IN]->(:Building)-[:IN]->(:Grid {kind: 'COMPOUND'}) "
        "RETURN h.id AS id ORDER BY id DESC LIMIT 1"
    )
    assign = """mutation($role: Role!, $holder: ID!, $target: String!, $since: Date) {
      assign(input: {role: $role, holder: $holder, target: $target, since: $since}) { id } }"""
    end = """mutation($id: ID!, $until: Date) { endAssignment(id: $id, until: $until) { id } }"""
    made = [
        api.data(assign, {"role": role, "holder": holder, "target": target, "since": since})
        for role, holder, target, since in (
            ("HOUSEYARD_LEADER", leader["id"], YARD, "2026-07-01"),
            ("BUILDING_GROUP", group["id"], building["code"], "2026-07-01"),
            ("CENTRAL_HOUSEHOLD", leader["id"], household["id"], "2025-10-01"),
            ("GRID_WORKER", leader["id"], YARD, "2026-11-30"),
        )
    ]
    # Ended on a day the figures are read (`until` exclusive), and one before it began.
    api.data(end, {"id": made[0]["assign"]["id"], "until": "2026-11-30"})
    api.data(end, {"id": made[2]["assign"]["id"], "until": "2026-07-01"})
    for as_of in DAYS:
        check_everything(graph, api, CITY, as_of)
    assert audit(graph).returncode == 0


def test_the_audit_names_a_grid_whose_kept_figures_were_changed(graph: Graph) -> None:
    done = audit(graph)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "agrees with their assignments" in done.stdout
    graph.cypher(
        "MATCH (g:Grid {code: $g}) SET g.coverageCoveredHouseholds = "
        "[x IN g.coverageCoveredHouseholds | x + 1]",
        g=YARD,
    )
    # A household's intervals: its grid is named, though the grid's figures are right.
    graph.cypher(
        "MATCH (h:Household)-[:IN]->(:Building)-[:IN]->(g:Grid {code: '420602001001-G01'}) "
        "WITH h ORDER BY h.id LIMIT 1 "
        "SET h.coveredSince = [date('2000-01-01')], h.coveredUntil = [date('2000-01-02')]"
    )
    done = audit(graph)
    assert done.returncode == 1
    assert YARD in done.stdout and "coveredHouseholds" in done.stdout
    # The stats timeline and the kept totals are audited as well.
    graph.cypher(
        "MATCH (r:Region {code: $r}) SET r.statsVolunteers = [x IN r.statsVolunteers | x + 1]",
        r=COUNTY,
    )
    graph.cypher(
        "MATCH (r:Region {code: $r}) SET r.keptOrganisations = r.keptOrganisations + 1", r=CITY
    )
    done = audit(graph)
    assert done.returncode == 1
    assert "volunteers" in done.stdout and "organisations" in done.stdout, done.stdout
    assert "420602001001-G01" in done.stdout
    assert "--repair" in done.stderr
    # Only what lies within: the house-yard is in 南漳县 (420624), not in 襄城区.
    within = audit(graph, "--within", "420602001001-G02")
    assert within.returncode == 0, within.stdout
    assert audit(graph, "--within", "420624").returncode == 1
    assert "No region or grid" in audit(graph, "--within", "420699").stderr
    repaired = audit(graph, "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert audit(graph).returncode == 0


def test_a_graph_written_before_coverage_was_kept_gets_it_at_start_up(
    graph: Graph, api: Api
) -> None:
    kept = [coverage.DAYS, *coverage.PROPERTIES.values()]
    graph.cypher(
        "MATCH (n) WHERE n:Grid OR n:Region REMOVE " + ", ".join(f"n.{name}" for name in kept)
    )
    graph.cypher("MATCH (n) WHERE n:Building OR n:Household REMOVE n.coveredSince, n.coveredUntil")
    assert graph.run(coverage.missing)
    graph.migrate()
    assert not graph.run(coverage.missing)
    assert audit(graph).returncode == 0
    check_everything(graph, api, CITY, DAYS[2])


def test_a_graph_keeping_stats_in_the_coverage_timeline_gets_them_apart_at_start_up(
    graph: Graph, api: Api
) -> None:
    """The version before the split kept people, central households and party members in
    the coverage timeline, and no volunteers, dual reporters or organisations."""
    stats = [coverage.STATS_DAYS, *(coverage.PROPERTIES[f] for f in coverage.STATS_FIGURES)]
    counts = [
        coverage.COUNTS[f] for f in ("organisations", "socialOrganisations", "volunteerTeams")
    ]
    graph.cypher(
        "MATCH (n) WHERE n:Grid OR n:Region "
        "SET n.coveragePeople = [x IN n.coverageGrids | 0], "
        "n.coverageCentralHouseholds = [x IN n.coverageGrids | 0], "
        "n.coveragePartyMembers = [x IN n.coverageGrids | 0] "
        "REMOVE " + ", ".join(f"n.{name}" for name in [*stats, *counts])
    )
    assert graph.run(coverage.missing)
    graph.migrate()
    assert not graph.run(coverage.missing)
    (left,) = graph.cypher(
        "MATCH (n) WHERE n:Grid OR n:Region RETURN count(n.coveragePartyMembers) AS n"
    )
    assert left["n"] == 0
    assert audit(graph).returncode == 0
    check_everything(graph, api, COUNTY, DAYS[3])
