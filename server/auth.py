"""Authentication (issue #6): a bearer JWT names the reader, her roles and her scope.

HS256 tokens are checked with GOVGRAPH_JWT_SECRET, RS256 ones with the public key in
GOVGRAPH_JWT_PUBLIC_KEY_FILE or with the issuer's keys at GOVGRAPH_JWT_JWKS_URL; all for
signature, expiry, audience, and issuer when GOVGRAPH_JWT_ISSUER is set. Claims: `sub`
(a person id), `roles` (names of graph.security.principal.AccessRole) and `scope` (region or grid
codes; required unless the token is an ADMIN's, for whom none means the whole city).
With GOVGRAPH_AUTH=off every request is the developer's, unrestricted: allowed only on
loopback.
"""

import ipaddress
import logging
import time
from collections.abc import Sequence
from typing import Any

import jwt

from graph.core.errors import Unauthenticated
from graph.security.principal import UNRESTRICTED, AccessRole, Principal
from server.settings import Settings

log = logging.getLogger("govgraph")

JWKS_TIMEOUT = 5  # seconds to fetch the issuer's keys
DEV_SUBJECT = "developer"


class AuthSettingsError(Exception):
    """The settings cannot authenticate anyone: the server must not start."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_listening(settings: Settings, host: str) -> None:
    """Refuse GOVGRAPH_AUTH=off, and the published development keys of personal data, on any
    address but loopback."""
    if is_loopback(host):
        return
    if settings.auth == "off":
        raise AuthSettingsError(
            f"GOVGRAPH_AUTH=off serves everything to anyone who can reach {host}; it is "
            "allowed only on loopback (127.0.0.1). Set GOVGRAPH_JWT_SECRET (or "
            "GOVGRAPH_JWT_PUBLIC_KEY_FILE) and GOVGRAPH_AUTH=jwt to listen there."
        )
    if settings.uses_development_keys:
        raise AuthSettingsError(
            "GOVGRAPH_PII_KEY or GOVGRAPH_PII_ENCRYPTION_KEY is the development key published "
            "with govgraph: anyone could recompute the hashes of ID numbers and open the "
            f"phones. They are allowed only on loopback, not on {host}. Set both to secrets "
            "of your own (GOVGRAPH_PII_ENCRYPTION_KEY: `openssl rand -base64 32`) before "
            "importing real data."
        )


class Authenticator:
    """Turns a request's Authorization header into the Principal it speaks for."""

    def __init__(self, settings: Settings) -> None:
        self.off = settings.auth == "off"
        self.audience = settings.jwt_audience
        self.issuer = settings.jwt_issuer
        self.key: Any = None
        self.jwks: jwt.PyJWKClient | None = None
        self.algorithm = ""
        if self.off:
            log.warning(
                "GOVGRAPH_AUTH=off: every request is served unrestricted, as ADMIN. "
                "For development on this machine only."
            )
        elif settings.jwt_jwks_url is not None:
            self.jwks = jwt.PyJWKClient(
                settings.jwt_jwks_url,
                timeout=JWKS_TIMEOUT,
                cooldown_duration=settings.jwt_jwks_cooldown,
            )
            self.algorithm = "RS256"
        elif settings.jwt_public_key_file is not None:
            try:
                self.key = settings.jwt_public_key_file.read_text()
            except OSError as error:
                raise AuthSettingsError(
                    f"GOVGRAPH_JWT_PUBLIC_KEY_FILE: cannot read {settings.jwt_public_key_file} "
                    f"({error.strerror})."
                ) from None
            self.algorithm = "RS256"
        elif settings.jwt_secret:
            self.key = settings.jwt_secret.get_secret_value()
            self.algorithm = "HS256"
        else:
            raise AuthSettingsError(
                "GOVGRAPH_AUTH=jwt (the default) needs a key to check tokens with: set "
                "GOVGRAPH_JWT_SECRET (HS256) or GOVGRAPH_JWT_PUBLIC_KEY_FILE (RS256, a PEM "
                "public key). For development on this machine, GOVGRAPH_AUTH=off."
            )

    def principal(self, authorization: str | None) -> Principal:
        if self.off:
            return UNRESTRICTED
        if not authorization:
            raise Unauthenticated(
                "This API needs a token: send `Authorization: Bearer <token>` "
                "(`govgraph token` makes one for development)."
            )
        kind, _, token = authorization.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise Unauthenticated("The Authorization header must read `Bearer <token>`.")
        required = ["exp", "sub", "aud", *(["iss"] if self.issuer else [])]
        try:
            claims = jwt.decode(
                token.strip(),
                self._key_of(token.strip()),
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("The token has expired; get a new one.") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated(
                f"The token is not meant for this API (its audience must be {self.audience!r})."
            ) from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated(
                f"The token was not issued by {self.issuer!r}, the issuer this API trusts."
            ) from None
        except jwt.MissingRequiredClaimError as error:
            raise Unauthenticated(f"The token has no `{error.claim}` claim.") from None
        except jwt.InvalidTokenError:
            raise Unauthenticated(
                "The token is not valid here: its signature does not verify with this "
                "server's key, or it is malformed."
            ) from None
        return principal_of(claims)

    def _key_of(self, token: str) -> Any:
        """The key to check `token` with: from the JWKS by its `kid` (fetched again when the
        kid is new to us: the issuer rotated its keys), or the configured one."""
        if self.jwks is None:
            return self.key
        try:
            return self.jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError:
            raise Unauthenticated(
                "The issuer's keys (GOVGRAPH_JWT_JWKS_URL) cannot be fetched right now, so no "
                "token can be checked; try again in a minute."
            ) from None
        except (jwt.PyJWKClientError, jwt.DecodeError):
            raise Unauthenticated(
                "The token is not valid here: its key id (`kid`) is none of the issuer's keys, "
                "or it is malformed."
            ) from None


def principal_of(claims: dict[str, Any]) -> Principal:
    roles_claim = claims.get("roles")
    if not isinstance(roles_claim, list) or not roles_claim:
        raise Unauthenticated("The token's `roles` claim must be a non-empty list.")
    known = {role.value for role in AccessRole}
    if unknown := [role for role in roles_claim if role not in known]:
        raise Unauthenticated(
            f"The token names unknown roles {unknown}; roles are {', '.join(sorted(known))}."
        )
    roles = frozenset(AccessRole(role) for role in roles_claim)
    scope_claim = claims.get("scope")
    if scope_claim is None and roles == {AccessRole.ADMIN}:
        scope = None
    elif (
        isinstance(scope_claim, list)
        and scope_claim
        and all(isinstance(code, str) and code for code in scope_claim)
    ):
        scope = tuple(scope_claim)
    else:
        raise Unauthenticated(
            "The token's `scope` claim must be a non-empty list of region or grid codes "
            "(only an ADMIN token may leave it out, for the whole city)."
        )
    return Principal(subject=str(claims["sub"]), roles=roles, scope=scope)


def mint(
    secret: str,
    audience: str,
    roles: Sequence[AccessRole],
    *,
    scope: Sequence[str] | None,
    subject: str = DEV_SUBJECT,
    ttl: int = 3600,
) -> str:
    """An HS256 token, for development and tests."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": subject,
        "aud": audience,
        "iat": now,
        "exp": now + ttl,
        "roles": [role.value for role in roles],
    }
    if scope is not None:
        claims["scope"] = list(scope)
    return jwt.encode(claims, secret, algorithm="HS256")
