"""The dataset import (../shared/contract/import.md). What a good dataset writes: counts,
places, people, the party, services, cases in time order, times in Shanghai, and no
personal data in clear."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from graph.case_machine import Event, event_content
from graph.core.db import NOT_BOOKKEEPING
from graph.core.model import CaseAction, CaseState, GovernanceLevel, Role
from graph.importing.checks import assignment_id
from graph.importing.online import import_dataset
from graph.security.personal_data import keyed_hash
from graph.security.sealing import unseal
from tests.importing.support import BASE, CST, ID_NUMBER, KEY, MOBILE, dump, import_ok, one, write
from tests.support import TEST_CHAIN, TEST_PII_KEYS, Graph

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
        for row in empty_graph.cypher(
            f"MATCH (n) WHERE {NOT_BOOKKEEPING} RETURN labels(n)[0] AS label, count(*) AS count"
        )
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
    assert unseal(TEST_PII_KEYS, "P1", "phone", sealed=sealed) == MOBILE
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
    assert unseal(TEST_PII_KEYS, "P2", "phone", sealed=p2["phoneSealed"]) == "0710-3456789"
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
    generated = assignment_id(Role.CENTRAL_HOUSEHOLD, "P1", "H2", since=date(2022, 1, 1))
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
        "MATCH (c:Case {caseNo: 'K1'})-[:REPORTED_IN]->(g), (c)-[:REPORTED_BY]->(p) "
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
            Event(
                case_no="K1",
                seq=2,
                at=datetime(2026, 1, 5, 10, 0, tzinfo=CST),
                action=CaseAction.ACCEPT,
                from_state=CaseState.REPORTED,
                to_state=CaseState.ACCEPTED,
                level=GovernanceLevel.GRID,
                actor_id="P3",
                center_id="C1",
                note="受理",
                hash="",
            ),
            events[0]["hash"],
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
