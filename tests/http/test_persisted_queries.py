"""Automatic persisted queries (the sha256 protocol of Apollo Client and urql) and the
allow-list mode, GOVGRAPH_PERSISTED_ONLY, with operations registered by the command."""

import hashlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from tests.support import Api, Graph, govgraph

Serve = Callable[..., AbstractContextManager[Api]]
QUERY = 'query CityName { region(code: "420600") { name } }'


def persisted(text: str) -> dict:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def test_a_hash_alone_is_not_found_then_learned_with_its_query(demo: Graph, api: Api) -> None:
    text = QUERY + " # apq"
    first = api.send(json={"extensions": persisted(text)}).json()
    assert first["errors"][0]["message"] == "PersistedQueryNotFound"
    assert first["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    sent = api.send(json={"query": text, "extensions": persisted(text)}).json()
    assert sent["data"] == {"region": {"name": "襄阳市"}}
    # From now on the hash alone will do, by GET too: no query text in the URL.
    again = api.send("GET", params={"extensions": json.dumps(persisted(text))})
    assert again.status_code == 200 and again.json()["data"] == {"region": {"name": "襄阳市"}}

    wrong = api.send(json={"query": QUERY, "extensions": persisted(text)})
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    version = api.send(json={"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "x"}}})
    assert version.status_code == 400


def test_only_registered_operations_run_in_the_allow_list_mode(
    demo: Graph, serve: Serve, tmp_path: Path
) -> None:
    folder = tmp_path / "operations"
    folder.mkdir()
    (folder / "city.graphql").write_text(QUERY, encoding="utf-8")
    (folder / "broken.graphql").write_text("{ region(code: 5) { nope } }", encoding="utf-8")
    refused = govgraph(demo, "operations", "register", str(folder))
    assert refused.returncode == 1
    assert "broken.graphql:" in refused.stderr and "nothing was registered" in refused.stderr

    (folder / "broken.graphql").unlink()
    registered = govgraph(demo, "operations", "register", str(folder))
    assert registered.returncode == 0, registered.stderr
    digest = hashlib.sha256(QUERY.encode()).hexdigest()
    assert f"{digest}  city" in registered.stdout and "1 new" in registered.stdout
    assert "0 new" in govgraph(demo, "operations", "register", str(folder)).stdout

    with serve(persisted_only=True) as api:
        by_hash = api.send("GET", params={"extensions": json.dumps(persisted(QUERY))})
        assert by_hash.json()["data"] == {"region": {"name": "襄阳市"}}
        assert api.send(json={"query": QUERY}).json()["data"] == {"region": {"name": "襄阳市"}}
        other = '{ region(code: "420602") { name } }'
        for refused_request in (
            {"query": other},
            {"query": other, "extensions": persisted(other)},
        ):
            answer = api.send(json=refused_request)
            assert answer.status_code == 403
            assert answer.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        unknown = api.send(json={"extensions": persisted(other)}).json()
        assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
