"""Planners' CSV downloads: over HTTP and from the CLI, read back by real readers."""

import csv
import io
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.support import Api, Graph, govgraph

pytestmark = pytest.mark.usefixtures("demo")


def download(api: Api, name: str, **params: str) -> httpx.Response:
    return api.http.get(f"/reports/{name}.csv", params=params)


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "spreadsheets need the BOM to see UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_coverage_csv_matches_the_graphql_report(api: Api) -> None:
    response = download(api, "coverage", within="420602001001", asOf="2026-11-30")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "coverage-420602001001-2026-11-30.csv" in response.headers["content-disposition"]
    header, scope, *parts = rows_of(response.content)
    assert header[:4] == ["code", "name", "buildings", "covered_buildings"]
    report = api.data(
        '{ coverage(within: "420602001001", asOf: "2026-11-30") { name households children { within name households } } }'
    )["coverage"]
    assert scope[:2] == ["420602001001", report["name"]] == ["420602001001", "凤鸣社区"]
    assert int(scope[header.index("households")]) == report["households"]
    assert [[p[0], p[1], int(p[5])] for p in parts] == [
        [c["within"], c["name"], c["households"]] for c in report["children"]
    ]


def test_uncovered_lists_as_csv(api: Api) -> None:
    buildings = rows_of(download(api, "uncovered-buildings", within="420600").content)
    assert buildings[0] == ["code", "name", "address", "grid_code", "grid_name"]
    assert len(buildings) == 1 + 5
    households = rows_of(
        download(api, "uncovered-households", within="420600", asOf="2026-12-15").content
    )
    assert [row[0] for row in households[1:]] == [
        "H0017", "H0030", "H0033", "H0034", "H0035", "H0036", "H0040",
        "H0041", "H0042", "H0053", "H0054", "H0055", "H0056",
    ]  # fmt: skip
    assert all(row[4] for row in households[1:]), "every household names its building"


def test_an_unknown_scope_is_a_404_with_a_message(api: Api) -> None:
    response = download(api, "uncovered-buildings", within="999999")
    assert response.status_code == 404
    assert response.text == "No region or grid has the code '999999'."


def test_the_cli_prints_a_table_and_writes_the_same_csv(
    graph: Graph, api: Api, tmp_path: Path
) -> None:
    out = tmp_path / "coverage.csv"
    done = govgraph(
        graph,
        "report",
        "coverage",
        "--within",
        "420602",
        "--as-of",
        "2026-11-30",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "Coverage of 襄城区 (420602) on 2026-11-30" in done.stdout
    assert out.read_bytes() == download(api, "coverage", within="420602", asOf="2026-11-30").content
    bad = govgraph(graph, "report", "coverage", "--within", "nowhere")
    assert bad.returncode == 1 and "No region or grid has the code 'nowhere'" in bad.stdout


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_chinese_text(api: Api, tmp_path: Path) -> None:
    source = tmp_path / "households.csv"
    source.write_bytes(download(api, "uncovered-households", within="420602").content)
    # As the import dialog would: comma-separated, quoted with ", UTF-8 (76), from line 1.
    options = "44,34,76,1"
    done = subprocess.run(
        ["soffice", "--headless", f"--infilter=CSV:{options}", "--convert-to",
         f"csv:Text - txt - csv (StarCalc):{options}", "--outdir", str(tmp_path / "out"), str(source)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    converted = (tmp_path / "out" / "households.csv").read_text(encoding="utf-8")
    read_back = list(csv.reader(io.StringIO(converted)))
    original = rows_of(source.read_bytes())
    assert read_back[0] == original[0], "the BOM must not leak into the first header"
    assert [row[:5] for row in read_back] == [row[:5] for row in original]
    assert any("电力宿舍" in row[4] for row in read_back)


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(api: Api, graph: Graph) -> None:
    codes = [
        row[0] for row in rows_of(download(api, "uncovered-buildings", within="420600").content)[1:]
    ]
    names = {
        code: f'{start}HYPERLINK("http://evil")'
        for code, start in zip(codes, "=+-@\t", strict=True)
    }
    before = graph.cypher(
        "UNWIND $codes AS code MATCH (b:Building {code: code}) RETURN b.code AS code, b.name AS name",
        codes=list(names),
    )
    graph.cypher(
        "UNWIND keys($names) AS code MATCH (b:Building {code: code}) SET b.name = $names[code]",
        names=names,
    )
    try:
        response = download(api, "uncovered-buildings", within="420600")
    finally:
        graph.cypher(
            "UNWIND $rows AS row MATCH (b:Building {code: row.code}) SET b.name = row.name",
            rows=before,
        )
    # Streamed, not built whole: no length is known before the last page is written.
    assert "content-length" not in response.headers
    written = {row[0]: row[1] for row in rows_of(response.content)[1:]}
    assert {code: written[code] for code in names} == {
        code: "'" + name for code, name in names.items()
    }


def test_a_streamed_report_of_many_pages_holds_every_row(api: Api, graph: Graph) -> None:
    # More uncovered households than one page (500) holds: the stream fetches the next pages.
    graph.cypher(
        # The building of H0017, uncovered: a household nobody covers there is uncovered too.
        "MATCH (b:Building {code: '420602001001-G01-B03'}) UNWIND range(1, 1100) AS i "
        "CREATE (h:Household:StreamTest {id: 'ST' + i, door: '=' + i, kind: 'FAMILY'})-[:IN]->(b)"
    )
    try:
        response = download(api, "uncovered-households", within="420600", asOf="2026-12-15")
    finally:
        graph.cypher("MATCH (h:StreamTest) DETACH DELETE h")
    rows = rows_of(response.content)[1:]
    added = [row for row in rows if row[0].startswith("ST")]
    assert len(added) == 1100 and all(row[1].startswith("'=") for row in added)
