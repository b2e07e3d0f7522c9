"""Search by name (issue #13) on the demo city: Chinese names of one, two and three
characters, addresses, Lucene syntax typed as text, roles, scopes, pages, one statement."""

import csv

import pytest

from graph.security.principal import AccessRole
from tests.support import DEMO, Api

pytestmark = pytest.mark.usefixtures("demo")

SEARCH = """query($text: String!, $kinds: [SearchKind!], $within: String, $first: Int, $after: String) {
  search(text: $text, kinds: $kinds, within: $within, first: $first, after: $after) {
    totalCount nodes { kind key name score } pageInfo { hasNextPage endCursor } } }"""


def people() -> dict[str, str]:
    with (DEMO / "people.csv").open(encoding="utf-8") as rows:
        return {row["id"]: row["name"] for row in csv.DictReader(rows)}


def hits(api: Api, text: str, **variables: object) -> list[tuple[str, str, str]]:
    found = api.data(SEARCH, {"text": text, "first": 500, **variables})["search"]
    assert found["totalCount"] == len(found["nodes"])
    return [(hit["kind"], hit["key"], hit["name"]) for hit in found["nodes"]]


def test_a_two_character_name_finds_the_person_first_in_one_statement(api: Api) -> None:
    body = api.post(SEARCH, {"text": "孙磊"})
    assert "errors" not in body
    first = body["data"]["search"]["nodes"][0]
    assert (first["kind"], first["key"], first["name"]) == ("PERSON", "P0016", "孙磊")
    # The hits, their total and the page in a single statement.
    assert body["extensions"]["cypherStatements"] == 1


def test_a_single_character_surname_finds_every_person_of_it(api: Api) -> None:
    expected = {pid for pid, name in people().items() if "范" in name}
    found = hits(api, "范", kinds=["PERSON"])
    assert {key for _, key, _ in found} == expected and len(expected) == 6
    # Every name containing the character, none other.
    assert all("范" in name for _, _, name in found)


def test_part_of_a_longer_name_finds_it_and_exact_names_rank_first(api: Api) -> None:
    assert ("PERSON", "P0034", "范红军") in hits(api, "红军")
    assert hits(api, "范倩")[0] == ("PERSON", "P0002", "范倩")


def test_every_kind_is_found_by_name_and_buildings_and_stations_by_address(api: Api) -> None:
    kinds = {kind for kind, _, _ in hits(api, "凤鸣")}
    assert kinds == {"REGION", "GRID", "BUILDING", "PARTY_ORGANIZATION", "CENTER", "STATION"}
    by_address = hits(api, "凤鸣路18号")
    assert ("BUILDING", "420602001001-G01-B01", "凤鸣小区1栋") in by_address
    assert ("STATION", "S001", "凤鸣小区红色驿站") in by_address
    assert ("GRID", "420624100201-G02", "河口红色屋场") in hits(api, "河口")


def test_each_hit_carries_its_object(api: Api) -> None:
    query = """{ search(text: "凤鸣小区", first: 50) { nodes { kind key
        grid { code name } building { code address } station { id kind } person { id }
        region { code } partyOrganization { id } center { id } } } }"""
    nodes = api.data(query)["search"]["nodes"]
    for hit in nodes:
        present = [
            field
            for field in (
                "grid",
                "building",
                "station",
                "person",
                "region",
                "partyOrganization",
                "center",
            )
            if hit[field]
        ]
        assert len(present) == 1, hit
    grid = next(hit for hit in nodes if hit["kind"] == "GRID")
    assert grid["grid"] == {"code": grid["key"], "name": "凤鸣小区"}


@pytest.mark.parametrize(
    "text",
    [
        "范 AND",
        "OR",
        "NOT 范",
        '"',
        "*",
        "?",
        "name:(范",
        "范~2",
        "\\",
        "[a TO z]",
        "凤鸣^10",
        "a && b || !c",
        "/regex/",
        "-",
        "the",
        "{}",
        "范*",
    ],
)
def test_lucene_syntax_in_the_text_is_text_never_an_error(api: Api, text: str) -> None:
    body = api.post(SEARCH, {"text": text})
    assert "errors" not in body, body


def test_operators_are_words_not_operators(api: Api) -> None:
    # As a wildcard, 范* would find every name beginning with 范; as text, no name holds it.
    assert hits(api, "范*") == []
    # As an operator, NOT would leave out the 范 names; as a word, it finds them.
    assert {key for _, key, _ in hits(api, "NOT 范红军")} >= {"P0034"}


def test_an_empty_or_too_long_text_is_bad_user_input(api: Api) -> None:
    assert api.error_codes(SEARCH, {"text": "  "}) == ["BAD_USER_INPUT"]
    assert api.error_codes(SEARCH, {"text": "范" * 101}) == ["BAD_USER_INPUT"]
    assert api.error_codes(SEARCH, {"text": "范", "kinds": []}) == ["BAD_USER_INPUT"]


def test_pages_follow_one_another_in_rank_order(api: Api) -> None:
    everything = hits(api, "凤鸣")
    seen, after = [], None
    while True:
        page = api.data(SEARCH, {"text": "凤鸣", "first": 4, "after": after})["search"]
        assert page["totalCount"] == len(everything)
        seen += [(hit["kind"], hit["key"], hit["name"]) for hit in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everything
    assert api.error_codes(SEARCH, {"text": "凤鸣", "after": "nonsense"}) == ["BAD_USER_INPUT"]


def test_within_narrows_to_a_region_or_grid(api: Api) -> None:
    within_grid = hits(api, "范", within="420602001001-G01", kinds=["PERSON"])
    assert within_grid and all(kind == "PERSON" for kind, _, _ in within_grid)
    assert {key for _, key, _ in within_grid} < {key for _, key, _ in hits(api, "范")}
    assert hits(api, "凤鸣", within="420624") == []
    assert api.error_codes(SEARCH, {"text": "范", "within": "999999"}) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (AccessRole.GRID_WORKER, "420602001001-G01"),
        (AccessRole.AUDITOR, "420602001001"),
        (AccessRole.CASE_HANDLER, "420624"),
        (AccessRole.PLANNER, "420602002001"),
    ],
)
def test_a_scoped_reader_finds_only_what_her_look_ups_see(
    api: Api, role: AccessRole, scope: str
) -> None:
    reader = api.as_(role, scope)
    look_up = {
        "PERSON": "person(id: $key) { name }",
        "BUILDING": "building(code: $key) { name }",
        "GRID": "grid(code: $key) { name }",
        "REGION": "region(code: $key) { name }",
        "PARTY_ORGANIZATION": "partyOrganization(id: $key) { name }",
        "CENTER": None,  # no root look-up: compared with the region it serves
        "STATION": None,
    }
    for text in ("范", "凤鸣", "红色", "社区", "李"):
        everything = hits(api, text)
        mine = hits(reader, text)
        assert set(mine) <= set(everything)
        for kind, key, name in everything:
            query = look_up[kind]
            if query is None or (kind == "PERSON" and role is AccessRole.PLANNER):
                continue
            body = reader.post(
                f"query($key: ID!) {{ {query} }}".replace("ID!", "String!")
                if kind in ("BUILDING", "GRID", "REGION")
                else f"query($key: ID!) {{ {query} }}",
                {"key": key},
            )
            sees = "errors" not in body and next(iter(body["data"].values())) is not None
            assert ((kind, key, name) in mine) == sees, (text, kind, key, name)
    # A `within` outside her scope is refused, whether it exists or not.
    assert reader.error_codes(SEARCH, {"text": "范", "within": "420600"}) == ["FORBIDDEN"]
    assert reader.error_codes(SEARCH, {"text": "范", "within": "999999"}) == ["FORBIDDEN"]


def test_a_viewer_or_planner_finds_no_people_and_may_not_ask_for_them(api: Api) -> None:
    for role in (AccessRole.VIEWER, AccessRole.PLANNER):
        reader = api.as_(role, "420602")
        assert all(kind != "PERSON" for kind, _, _ in hits(reader, "范"))
        assert hits(reader, "孙磊") == []
        assert reader.error_codes(SEARCH, {"text": "孙磊", "kinds": ["PERSON"]}) == ["FORBIDDEN"]
        person = '{ search(text: "孙磊") { nodes { person { name } } } }'
        assert reader.error_codes(person) == ["FORBIDDEN"]
    assert ("PERSON", "P0016", "孙磊") in hits(api.as_(AccessRole.CASE_HANDLER, "420602"), "孙磊")


def test_a_new_name_is_found_as_soon_as_it_is_written(api: Api, demo) -> None:
    demo.cypher("CREATE (:Region {code: '420602999', name: '试验街道', level: 'TOWNSHIP'})")
    try:
        assert ("REGION", "420602999", "试验街道") in hits(api, "试验")
        assert ("REGION", "420602999", "试验街道") in hits(api, "验")
    finally:
        demo.cypher("MATCH (r:Region {code: '420602999'}) DELETE r")
