"""Persisted queries: the sha256 protocol that Apollo Client and urql speak, and an
allow-list mode.

A client sends `extensions.persistedQuery = {version: 1, sha256Hash}` without the query;
an unknown hash is answered PERSISTED_QUERY_NOT_FOUND, and the client sends it again with
the query, which is then remembered (by this process, the last MAX_LEARNED of them).
With GOVGRAPH_PERSISTED_ONLY=true only operations registered in the graph (`govgraph
operations register DIR`) run: no query text travels, in a URL or a body."""

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from strawberry.http import GraphQLRequestData

from graph import operations
from graph.core.db import Database
from server.http_guard import Refused

MAX_LEARNED = 1000  # queries learned from clients: a bound on the memory they take
NOT_FOUND = "PersistedQueryNotFound"  # the message both clients look for


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PersistedQueries:
    def __init__(self, database: Callable[[], Database], *, only_registered: bool) -> None:
        self.database = database
        self.only_registered = only_registered
        self.learned: OrderedDict[str, str] = OrderedDict()
        self.registered: dict[str, str] = {}  # found in the graph: they never change

    async def resolve(self, data: GraphQLRequestData) -> GraphQLRequestData:
        """`data` with its query filled in from its hash, or refused."""
        hash_ = self.hash_of(data.extensions)
        if hash_ is None:
            if self.only_registered and (
                data.query is None or await self.registered_text(sha256(data.query)) is None
            ):
                raise self.unregistered()
            return data
        if data.query is not None:
            if sha256(data.query) != hash_:
                raise Refused(
                    400,
                    "The query's sha256 is not extensions.persistedQuery.sha256Hash.",
                    "BAD_USER_INPUT",
                )
            if self.only_registered:
                if await self.registered_text(hash_) is None:
                    raise self.unregistered()
            else:
                self.learn(hash_, data.query)
            return data
        text = await self.registered_text(hash_)
        if text is None and not self.only_registered:
            text = self.learned.get(hash_)
            if text is not None:
                self.learned.move_to_end(hash_)
        if text is None:
            raise Refused(200, NOT_FOUND, "PERSISTED_QUERY_NOT_FOUND")
        return replace(data, query=text)

    @staticmethod
    def hash_of(extensions: dict[str, Any] | None) -> str | None:
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return None
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise Refused(
                400, "extensions.persistedQuery must be {version: 1, sha256Hash}.", "BAD_USER_INPUT"
            )
        hash_ = persisted.get("sha256Hash")
        if not isinstance(hash_, str) or len(hash_) != 64:
            raise Refused(
                400, "extensions.persistedQuery.sha256Hash must be 64 hex digits.", "BAD_USER_INPUT"
            )
        return hash_.lower()

    async def registered_text(self, hash_: str) -> str | None:
        if hash_ not in self.registered:
            text = await operations.text_of(self.database(), hash_)
            if text is None:
                return None
            self.registered[hash_] = text
        return self.registered[hash_]

    def learn(self, hash_: str, query: str) -> None:
        self.learned[hash_] = query
        self.learned.move_to_end(hash_)
        while len(self.learned) > MAX_LEARNED:
            self.learned.popitem(last=False)

    @staticmethod
    def unregistered() -> Refused:
        return Refused(
            403,
            "This server runs registered operations only (GOVGRAPH_PERSISTED_ONLY): send "
            "extensions.persistedQuery with the sha256 of one registered by "
            "`govgraph operations register`.",
            "FORBIDDEN",
        )
