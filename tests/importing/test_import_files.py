"""The dataset import (../shared/contract/import.md). Whole-file rules and encodings:
columns, unknown files, quoting, BOM, GB18030 and what is not text."""

from pathlib import Path

from tests.importing.support import (
    BASE,
    changed,
    edited,
    errors_of,
    import_ok,
    one,
    plus,
    rejected,
    write,
)
from tests.support import Graph

# ------------------------------------------------------------------ whole-file rules


def test_an_unknown_column_names_the_allowed_ones(empty_graph: Graph, tmp_path: Path) -> None:
    errors = errors_of(empty_graph, tmp_path, stations=edited("stations", "address", "adress"))
    assert errors == [
        "stations.csv:1: column adress: unknown column; the columns of stations.csv are: "
        "id, name, kind, region_code, grid_code, address, services, target_groups"
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
