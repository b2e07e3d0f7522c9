"""Keyset pagination: pages add up to the whole list, even while rows are inserted."""

from tests.support import Api, Graph

BUILDINGS = """query($after: String) { grid(code: "G") {
  buildings(first: 7, after: $after) { nodes { code } pageInfo { hasNextPage endCursor } } } }"""


def test_walking_a_list_loses_and_repeats_nothing_while_rows_are_inserted(
    empty_graph: Graph, api: Api
) -> None:
    empty_graph.cypher(
        """CREATE (r:Region {code: 'R', name: 'R', level: 'COMMUNITY'})
           CREATE (g:Grid {code: 'G', name: 'G', kind: 'COMPOUND'})-[:IN]->(r)
           WITH g UNWIND range(10, 129) AS i
           CREATE (:Building {code: 'B' + i})-[:IN]->(g)"""
    )
    original = {f"B{i}" for i in range(10, 130)}
    seen: list[str] = []
    after = None
    for turn in range(100):
        page = api.data(BUILDINGS, {"after": after})["grid"]["buildings"]
        seen += [node["code"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        # Rows appear elsewhere in the list: before the cursor and after it.
        empty_graph.cypher(
            "MATCH (g:Grid {code: 'G'}) UNWIND $codes AS code "
            "CREATE (:Building {code: code})-[:IN]->(g)",
            codes=[f"A{turn:03d}", f"B{turn:03d}x", f"Z{turn:03d}"],
        )
    assert len(seen) == len(set(seen)), "a row was repeated"
    assert original <= set(seen), "a row was lost"
    assert seen == sorted(seen)


LISTS = {
    "region children": ('region(code: "420600")', "children", "code"),
    "region grids": ('region(code: "420600")', "grids", "code"),
    "grid buildings": ('grid(code: "420602001001-G01")', "buildings", "code"),
    "building households": ('building(code: "420602001001-G01-B01")', "households", "id"),
    "covered households": ('person(id: "P0001")', "coveredHouseholds", "id"),
}


def test_every_list_walked_page_by_page_equals_the_whole(demo: Graph, api: Api) -> None:
    for name, (root, field, key) in LISTS.items():
        whole_query = (
            f"{{ x: {root} {{ {field}(first: 500) {{ totalCount nodes {{ {key} }} }} }} }}"
        )
        whole = api.data(whole_query)["x"][field]
        keys = [node[key] for node in whole["nodes"]]
        assert len(keys) == whole["totalCount"] > 0, name
        walked: list[str] = []
        after = None
        while True:
            query = f"""query($after: String) {{ x: {root} {{ {field}(first: 2, after: $after) {{
                nodes {{ {key} }} pageInfo {{ hasNextPage endCursor }} }} }} }}"""
            page = api.data(query, {"after": after})["x"][field]
            walked += [node[key] for node in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert walked == keys, name
