"""Settings from the environment (or a `.env` file); the README's table lists them."""

from pathlib import Path
from typing import Literal

from pydantic import Field, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.core.model import CaseCategory
from graph.security.sealing import PiiKeys, decode_key
from graph.store.local_server import Instance
from schema.limits import Limits

DEV_PII_KEY = "govgraph-development-key-not-for-production"
# base64 of the 32 bytes "govgraph-dev-phone-key-NOT-PROD!": for development only.
DEV_PII_ENCRYPTION_KEY = "Z292Z3JhcGgtZGV2LXBob25lLWtleS1OT1QtUFJPRCE="
DEFAULT_LIMITS = Limits()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVGRAPH_", env_file=".env", extra="ignore")

    # Another Neo4j (a server, a cluster through neo4j://, Aura through neo4j+s://);
    # when unset, the project's local server is used.
    neo4j_uri: str | None = Field(default=None, validation_alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", validation_alias="NEO4J_USER")
    neo4j_password: str = Field(default="", validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")

    # The local server (DESIGN §9).
    neo4j_port: int = 7687
    neo4j_heap: str = "2g"
    neo4j_page_cache: str = "2g"

    transaction_timeout: float = 30.0  # seconds, for every database transaction
    # Seconds a request keeps trying to reach Neo4j before it answers UNAVAILABLE.
    unavailable_wait: PositiveFloat = 5.0
    import_transaction_timeout: float = 600.0  # seconds, for each batch an import writes
    import_batch: int = Field(default=5000, ge=1)  # records per batch an import stages
    pii_key: str = DEV_PII_KEY  # keys the hashes of ID numbers and phones
    # Seals phones (AES-256-GCM): base64 of 32 bytes. Retired keys (a JSON list) still
    # open phones sealed before a rotation; new ones are sealed under the current key.
    pii_encryption_key: str = DEV_PII_ENCRYPTION_KEY
    pii_retired_encryption_keys: list[str] = Field(default_factory=list)
    graphiql: bool = True
    console: bool = True  # the browser console at /
    # Authentication (server/auth.py): bearer JWTs, or `off` on loopback only.
    auth: Literal["jwt", "off"] = "jwt"
    jwt_secret: SecretStr | None = None  # HS256
    jwt_public_key_file: Path | None = None  # RS256, a PEM public key; wins over the secret
    # RS256 keys published by the issuer (a JWKS URL), picked by each token's `kid` and
    # fetched again when a token names one not yet seen (a rotation); wins over the others.
    jwt_jwks_url: str | None = None
    # Seconds before a token naming an unknown key id may make the keys be fetched again.
    jwt_jwks_cooldown: NonNegativeFloat = 30.0
    jwt_audience: str = "govgraph"
    jwt_issuer: str | None = None  # when set, each token's `iss` must be this
    introspection: bool = True  # turn off in production, with graphiql
    # Queries through the read planner (graph/plan/); off, through the resolvers alone.
    planner: bool = True

    # Limits of hostile requests (README, "Limits"): refused before any Cypher runs.
    max_depth: PositiveInt = DEFAULT_LIMITS.depth
    max_aliases: NonNegativeInt = DEFAULT_LIMITS.aliases
    max_tokens: PositiveInt = DEFAULT_LIMITS.tokens
    max_first: PositiveInt = DEFAULT_LIMITS.first
    max_cost: PositiveInt = DEFAULT_LIMITS.cost
    max_body_bytes: PositiveInt = 100_000
    # Days a case may stay at one level before it is overdue, per category, as JSON
    # ({"DISPUTE": 30, "HAZARD": 7}); a category not named gets 30.
    overdue_days: dict[CaseCategory, PositiveInt] = Field(default_factory=dict)

    # Operations (README, "Running it in production").
    log_format: Literal["json", "text"] = "json"
    metrics: bool = True  # GET /metrics, to loopback clients unless a token is set
    metrics_token: SecretStr | None = None  # then to anyone sending `Bearer <token>`
    # Metrics on a listener of their own (not at /metrics of the API) when a port is set.
    metrics_address: str = "127.0.0.1"
    metrics_port: int | None = None
    # Origins whose browser pages may call the API (a JSON list); none by default.
    cors_origins: list[str] = Field(default_factory=list)
    # Run only operations registered by `govgraph operations register DIR`.
    persisted_only: bool = False

    @property
    def limits(self) -> Limits:
        return Limits(
            self.max_depth, self.max_aliases, self.max_tokens, self.max_first, self.max_cost
        )

    @property
    def pii_keys(self) -> PiiKeys:
        return PiiKeys(
            self.pii_key.encode(),
            decode_key(self.pii_encryption_key),
            tuple(map(decode_key, self.pii_retired_encryption_keys)),
        )

    @property
    def uses_development_keys(self) -> bool:
        """Whether a key of personal data is one of those published in this repository."""
        return self.pii_key == DEV_PII_KEY or self.pii_encryption_key == DEV_PII_ENCRYPTION_KEY

    @property
    def local_neo4j(self) -> Instance:
        return Instance("dev", self.neo4j_port, self.neo4j_heap, self.neo4j_page_cache)

    @property
    def uses_local_neo4j(self) -> bool:
        return self.neo4j_uri is None

    @property
    def database_uri(self) -> str:
        return self.neo4j_uri or self.local_neo4j.uri
