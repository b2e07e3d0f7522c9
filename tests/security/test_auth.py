"""Authentication (issue #6): bearer JWTs over real HTTP, the settings that refuse to
start, and `govgraph token`."""

import http.server
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from typer.testing import CliRunner

from graph.security.principal import AccessRole
from server.app import create_app
from server.auth import AuthSettingsError, check_listening
from server.cli import app as cli
from server.settings import Settings
from tests.support import TEST_AUDIENCE, TEST_JWT_SECRET, Api, Graph, serve_in_thread, token

pytestmark = pytest.mark.usefixtures("demo")

QUERY = {"query": '{ region(code: "420600") { name } }'}


def claims(**changes: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "sub": "P0156",
        "aud": TEST_AUDIENCE,
        "iat": now,
        # Tokens of the parameter lists are made when the tests are collected: a day keeps
        # them valid however long the suite runs before it sends them.
        "exp": now + 86400,
        "roles": ["ADMIN"],
    }
    return {key: value for key, value in {**base, **changes}.items() if value is not None}


def post(api: Api, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{api.base_url}/graphql", json=QUERY, headers=headers, timeout=30)


def refused(response: httpx.Response) -> str:
    """The message of a 401 UNAUTHENTICATED refusal, which has a GraphQL-shaped body."""
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    return error["message"]


def bearer(claims: dict[str, object], key: str = TEST_JWT_SECRET, alg: str = "HS256") -> dict:
    return {"Authorization": f"Bearer {jwt.encode(claims, key, algorithm=alg)}"}


def test_a_valid_token_is_served(api: Api) -> None:
    response = post(api, bearer(claims()))
    assert response.status_code == 200
    assert response.json()["data"] == {"region": {"name": "襄阳市"}}


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({}, "needs a token"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "Bearer <token>"),
        ({"Authorization": "Bearer not.a.jwt"}, "not valid"),
        (bearer(claims(), key="another-secret-of-at-least-32-bytes"), "signature"),
        (bearer(claims(exp=int(time.time()) - 10)), "expired"),
        (bearer(claims(aud="another-api")), "audience"),
        (bearer(claims(aud=None)), "`aud`"),
        (bearer(claims(exp=None)), "`exp`"),
        (bearer(claims(roles=["MAYOR"])), "unknown roles"),
        (bearer(claims(roles=[])), "non-empty list"),
        (bearer(claims(roles=["VIEWER"])), "`scope`"),  # only ADMIN may omit the scope
        (bearer(claims(roles=["VIEWER"], scope=[])), "`scope`"),
        ({"Authorization": "Bearer " + jwt.encode(claims(), None, algorithm="none")}, "not valid"),
    ],
    ids=[
        "missing", "not bearer", "malformed", "bad signature", "expired", "wrong audience",
        "no audience", "no expiry", "unknown role", "no roles", "scope missing", "scope empty",
        "unsigned",
    ],
)  # fmt: skip
def test_a_missing_or_bad_token_is_unauthenticated(
    api: Api, headers: dict[str, str], says: str
) -> None:
    assert says in refused(post(api, headers))


def test_reports_need_a_token_too(api: Api) -> None:
    response = httpx.get(f"{api.base_url}/reports/coverage.csv?within=420600", timeout=30)
    assert "needs a token" in refused(response)


def test_the_graphiql_page_needs_no_token(api: Api) -> None:
    response = httpx.get(f"{api.base_url}/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


@pytest.fixture(scope="module")
def rsa_server(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """A server that checks RS256 tokens with a public key file."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_file = tmp_path_factory.mktemp("keys") / "public.pem"
    public_file.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    settings = Settings(
        NEO4J_URI=graph.uri,
        NEO4J_USER=os.environ.get("NEO4J_USER", "neo4j"),
        NEO4J_PASSWORD=os.environ.get("NEO4J_PASSWORD", ""),
        auth="jwt",
        jwt_public_key_file=public_file,
    )
    server, thread, base_url = serve_in_thread(create_app(settings))
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    yield base_url, pem
    server.should_exit = True
    thread.join(timeout=10)


def test_rs256_tokens_are_checked_with_the_public_key(rsa_server: tuple) -> None:
    base_url, private_pem = rsa_server
    api = Api(base_url, jwt.encode(claims(), private_pem, algorithm="RS256"))
    assert api.data(QUERY["query"]) == {"region": {"name": "襄阳市"}}
    # One signed with another private key is refused, and so is any HS256 token.
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims(), other, algorithm="RS256")
    response = httpx.post(
        f"{base_url}/graphql", json=QUERY, headers={"Authorization": f"Bearer {forged}"}
    )
    assert "signature" in refused(response)
    hs = bearer(claims())  # HS256 with the test secret: not what this server accepts
    assert "not valid" in refused(httpx.post(f"{base_url}/graphql", json=QUERY, headers=hs))


def test_auth_off_serves_unrestricted_on_loopback_only(graph: Graph) -> None:
    off = Settings(NEO4J_URI=graph.uri, auth="off")
    check_listening(off, "127.0.0.1")
    check_listening(off, "localhost")
    check_listening(off, "::1")
    for host in ("0.0.0.0", "192.168.1.20", "example.org"):
        with pytest.raises(AuthSettingsError, match="only on loopback"):
            check_listening(off, host)
    server, thread, base_url = serve_in_thread(create_app(off))
    try:
        response = httpx.post(f"{base_url}/graphql", json=QUERY, timeout=30)
        assert response.json()["data"] == {"region": {"name": "襄阳市"}}
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_jwt_without_a_secret_or_key_refuses_to_start(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(AuthSettingsError, match="GOVGRAPH_JWT_SECRET"):
        create_app(Settings(NEO4J_URI=graph.uri, auth="jwt", jwt_secret=None))
    with pytest.raises(AuthSettingsError, match="cannot read"):
        create_app(Settings(auth="jwt", jwt_public_key_file=tmp_path / "missing.pem"))


def cli_env(**env: str) -> dict[str, str]:
    return {"GOVGRAPH_AUTH": "jwt", "GOVGRAPH_JWT_SECRET": "", **env}


def test_serve_refuses_auth_off_on_another_address_and_jwt_without_a_secret() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0"], env={"GOVGRAPH_AUTH": "off"})
    assert result.exit_code == 1
    assert "only on loopback" in result.output
    result = runner.invoke(cli, ["up", "--host", "0.0.0.0"], env={"GOVGRAPH_AUTH": "off"})
    assert result.exit_code == 1
    assert "only on loopback" in result.output
    result = runner.invoke(cli, ["serve"], env=cli_env())
    assert result.exit_code == 1
    assert "GOVGRAPH_JWT_SECRET" in result.output


def test_the_token_command_mints_a_token_the_server_accepts(api: Api) -> None:
    runner = CliRunner()
    env = cli_env(GOVGRAPH_JWT_SECRET=TEST_JWT_SECRET)
    args = ["token", "--role", "GRID_WORKER", "--scope", "420602001001-G01", "--sub", "P0262"]
    several = runner.invoke(cli, [*args, "--scope", "420602001002,420624"], env=env)
    assert jwt.decode(
        several.output.strip(), TEST_JWT_SECRET, algorithms=["HS256"], audience=TEST_AUDIENCE
    )["scope"] == ["420602001001-G01", "420602001002", "420624"]
    result = runner.invoke(cli, [*args, "--ttl", "120"], env=env)
    assert result.exit_code == 0, result.output
    minted = result.output.strip()
    decoded = jwt.decode(minted, TEST_JWT_SECRET, algorithms=["HS256"], audience=TEST_AUDIENCE)
    assert decoded["roles"] == ["GRID_WORKER"]
    assert decoded["scope"] == ["420602001001-G01"]
    assert decoded["sub"] == "P0262"
    assert 110 <= decoded["exp"] - time.time() <= 120
    worker = Api(api.base_url, minted)
    data = worker.data('{ grid(code: "420602001001-G01") { name } }')
    assert data == {"grid": {"name": "凤鸣小区"}}
    assert worker.error_codes('{ grid(code: "420602001001-G02") { name } }') == ["FORBIDDEN"]


def test_the_token_command_says_what_is_missing() -> None:
    runner = CliRunner()
    no_scope = runner.invoke(
        cli, ["token", "--role", "VIEWER"], env=cli_env(GOVGRAPH_JWT_SECRET=TEST_JWT_SECRET)
    )
    assert no_scope.exit_code == 1
    assert "--scope" in no_scope.output
    no_secret = runner.invoke(cli, ["token", "--role", "ADMIN"], env=cli_env())
    assert no_secret.exit_code == 1
    assert "GOVGRAPH_JWT_SECRET" in no_secret.output
    admin = runner.invoke(
        cli, ["token", "--role", "ADMIN"], env=cli_env(GOVGRAPH_JWT_SECRET=TEST_JWT_SECRET)
    )
    assert admin.exit_code == 0
    decoded = jwt.decode(
        admin.output.strip(), TEST_JWT_SECRET, algorithms=["HS256"], audience=TEST_AUDIENCE
    )
    assert "scope" not in decoded  # the whole city


def test_the_test_client_speaks_for_the_role_it_is_given(api: Api) -> None:
    assert api.as_(AccessRole.VIEWER, "420602").data('{ region(code: "420602") { name } }')
    assert token(AccessRole.ADMIN) != token(AccessRole.VIEWER, "420602")


# ------------------------------------------------------------------ keys, issuers, JWKS


def test_the_published_development_keys_are_refused_off_loopback(graph: Graph) -> None:
    own = {
        "pii_key": "a-key-of-our-own",
        "pii_encryption_key": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    }
    for published in (
        {"pii_key": own["pii_key"]},
        {"pii_encryption_key": own["pii_encryption_key"]},
    ):
        settings = Settings(NEO4J_URI=graph.uri, jwt_secret=TEST_JWT_SECRET, **published)
        check_listening(settings, "127.0.0.1")
        with pytest.raises(AuthSettingsError, match="development key published"):
            check_listening(settings, "0.0.0.0")
    check_listening(Settings(NEO4J_URI=graph.uri, jwt_secret=TEST_JWT_SECRET, **own), "0.0.0.0")
    result = CliRunner().invoke(
        cli, ["serve", "--host", "0.0.0.0"], env=cli_env(GOVGRAPH_JWT_SECRET=TEST_JWT_SECRET)
    )
    assert result.exit_code == 1 and "GOVGRAPH_PII_KEY" in result.output


def test_the_issuer_is_checked_when_configured(graph: Graph) -> None:
    settings = Settings(
        NEO4J_URI=graph.uri, jwt_secret=TEST_JWT_SECRET, jwt_issuer="https://id.example.gov.cn"
    )
    server, thread, base_url = serve_in_thread(create_app(settings))
    try:
        api = Api(base_url)

        def answer(**claimed: object) -> httpx.Response:
            return post(api, bearer(claims(**claimed)))

        assert answer(iss="https://id.example.gov.cn").status_code == 200
        assert "not issued by 'https://id.example.gov.cn'" in refused(answer(iss="https://evil"))
        assert "no `iss` claim" in refused(answer())
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Jwks:
    """The issuer's key set, served on loopback by the test; `keys` can be rotated."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.fetched = 0
        jwks = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                jwks.fetched += 1
                body = json.dumps({"keys": [jwks.public(kid) for kid in jwks.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/keys.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def public(self, kid: str) -> dict[str, object]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.keys[kid].public_key()))
        return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}

    def sign(self, kid: str, key: rsa.RSAPrivateKey | None = None) -> dict[str, str]:
        token = jwt.encode(claims(), key or self.keys[kid], algorithm="RS256", headers={"kid": kid})
        return {"Authorization": f"Bearer {token}"}


def test_rs256_keys_from_a_jwks_url_follow_a_rotation(graph: Graph) -> None:
    jwks = Jwks()
    jwks.keys["k1"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings = Settings(NEO4J_URI=graph.uri, jwt_jwks_url=jwks.url, jwt_jwks_cooldown=0)
    server, thread, base_url = serve_in_thread(create_app(settings))
    try:
        api = Api(base_url)
        assert post(api, jwks.sign("k1")).json()["data"] == {"region": {"name": "襄阳市"}}
        assert post(api, jwks.sign("k1")).status_code == 200
        assert jwks.fetched == 1, "the key set is kept, not fetched for every token"
        # A token signed by another key under a known kid does not verify.
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        assert "signature" in refused(post(api, jwks.sign("k1", other)))
        # The issuer rotates: k2 replaces k1; a token naming k2 makes the server fetch again.
        jwks.keys = {"k2": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
        assert post(api, jwks.sign("k2")).status_code == 200
        assert jwks.fetched == 2
        assert "key id" in refused(post(api, jwks.sign("k9", other)))
        # HS256 tokens are not accepted where keys come from the issuer.
        assert "not valid" in refused(post(api, bearer(claims())))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        jwks.server.shutdown()
