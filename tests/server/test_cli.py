"""The `govgraph` command as a clerk runs it: a real process against the real database."""

import shutil
import socket
from pathlib import Path

import pytest

from graph.store import local_server
from graph.store.local_server import Instance, LocalServerError
from tests.support import DEMO, Graph, govgraph


def test_every_command_has_help(graph: Graph) -> None:
    for command in (
        [],
        ["serve"],
        ["up"],
        ["import"],
        ["schema"],
        ["neo4j", "start"],
        ["neo4j", "status"],
        ["case", "show"],
        ["audit", "verify"],
        ["audit", "coverage"],
        ["audit", "access-log"],
    ):
        done = govgraph(graph, *command, "--help")
        assert done.returncode == 0, done.stderr
        assert "Usage" in done.stdout


def test_import_prints_a_summary_and_a_second_import_changes_nothing(empty_graph: Graph) -> None:
    first = govgraph(empty_graph, "import", str(DEMO))
    assert first.returncode == 0, first.stderr
    assert "people.csv" in first.stdout and "271" in first.stdout
    shape = (
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN count(DISTINCT n) AS nodes, count(r) AS rels"
    )
    before = empty_graph.cypher(shape)
    again = govgraph(empty_graph, "import", str(DEMO))
    assert again.returncode == 0, again.stderr
    assert empty_graph.cypher(shape) == before


def test_a_dataset_with_errors_in_three_files_lists_all_and_changes_nothing(
    empty_graph: Graph, tmp_path: Path
) -> None:
    assert govgraph(empty_graph, "import", str(DEMO)).returncode == 0
    dump = "MATCH (n) RETURN count(n) AS nodes, collect(DISTINCT labels(n)) AS labels"
    before = empty_graph.cypher(dump)
    bad = tmp_path / "bad"
    shutil.copytree(DEMO, bad)
    (bad / "regions.csv").write_text(
        "code,name,level,parent_code\n420699,测试区,COUNTY,999999\n", encoding="utf-8"
    )
    (bad / "grids.csv").write_text(
        "code,name,region_code,kind\nX1,测试网格,420600,MOON\n", encoding="utf-8"
    )
    (bad / "people.csv").write_text("id,name,phone\nP9001,张三,12345\n", encoding="utf-8")
    done = govgraph(empty_graph, "import", str(bad), "--replace")
    assert done.returncode != 0
    assert "regions.csv:2: column parent_code:" in done.stderr
    assert "grids.csv:2: column kind:" in done.stderr
    assert "people.csv:2: column phone:" in done.stderr
    assert "nothing was imported" in done.stderr
    assert "Traceback" not in done.stderr
    assert empty_graph.cypher(dump) == before


def test_a_missing_folder_is_a_one_line_error(graph: Graph, tmp_path: Path) -> None:
    done = govgraph(graph, "import", str(tmp_path / "nowhere"))
    assert done.returncode == 1
    assert "is not a folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_neo4j_commands_refuse_when_another_neo4j_is_configured(graph: Graph) -> None:
    done = govgraph(graph, "neo4j", "status")
    assert done.returncode == 1
    assert "NEO4J_URI is set" in done.stderr


def test_missing_java_or_maven_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(shutil, "which", lambda tool: None)
    with pytest.raises(LocalServerError, match=r"`java` is not installed; install it \(apt-get"):
        local_server.start(Instance(name="never", bolt_port=7999, root=tmp_path))


def test_a_port_in_use_is_refused_before_starting(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(LocalServerError, match=f"Port {port} is taken"):
            local_server.start(Instance(name="clash", bolt_port=port, root=tmp_path))


def test_a_server_that_dies_while_starting_shows_the_logs_last_lines(tmp_path: Path) -> None:
    jars = local_server.DEFAULT_ROOT / "lib"
    if not (jars / ".complete").exists():
        pytest.skip("the local Neo4j jars were never fetched (NEO4J_URI runs)")
    (tmp_path / "lib").symlink_to(jars)
    broken = Instance(name="broken", bolt_port=7998, heap="lots", root=tmp_path)
    with pytest.raises(LocalServerError, match=r"(?s)stopped while starting.*heap"):
        local_server.start(broken, timeout=60)
