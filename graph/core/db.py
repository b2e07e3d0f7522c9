"""The connection to Neo4j: managed transactions, statement counting, error mapping.

Every statement goes through `Database.read`, `Database.write` or a transaction
from `Database.write_transaction`, so each one is counted (DESIGN §8: tests and
the response's `extensions.cypherStatements` assert how many a request costs).
"""

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import neo4j
from neo4j import AsyncGraphDatabase, AsyncTransaction
from neo4j.exceptions import (
    ClientError,
    ConnectionAcquisitionTimeoutError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
)
from neo4j.time import Date, DateTime
from opentelemetry import trace

from graph.core.errors import Unavailable

T = TypeVar("T")
Row = dict[str, Any]


def write_lock(node: str) -> str:
    """Cypher: take the write lock of `node`, held until commit. Setting and removing a
    property leaves nothing behind; concurrent writers of the node queue here."""
    return f"SET {node}._LOCK_ = true REMOVE {node}._LOCK_"


# A condition on `n` leaving out the nodes of the server's bookkeeping, which are no data:
# the migrations' version and the start lock (graph/store/migrations.py).
NOT_BOOKKEEPING = "NOT n:GovgraphSchema AND NOT n:GovgraphLock AND NOT n:Migration"

# Statements run by the current request (a GraphQL operation sets it to [0]).
request_statements: ContextVar[list[int] | None] = ContextVar("request_statements", default=None)
# Set to [False] per GraphQL operation; True once the database proved unreachable in it, so
# that the request's later statements answer UNAVAILABLE at once instead of waiting again.
request_outage: ContextVar[list[bool] | None] = ContextVar("request_outage", default=None)

DEFAULT_UNAVAILABLE_WAIT = 5.0  # seconds (GOVGRAPH_UNAVAILABLE_WAIT)
FIRST_RETRY_DELAY = 0.2  # seconds, doubled after each failed attempt


@dataclass
class Cost:
    """What one HTTP request cost the database, for its log line and metrics."""

    statements: int = 0
    seconds: float = 0.0


request_cost: ContextVar[Cost | None] = ContextVar("request_cost", default=None)
tracer = trace.get_tracer("govgraph.db")
# Sessions open, each holding one of the pool's connections while it works (a gauge).
sessions_open = [0]

UNREACHABLE = "The graph database cannot be reached right now; try again in a minute."
READ_ONLY = (
    "The graph database accepts no changes right now (it was made read-only, for maintenance "
    "or a full disk); questions are still answered. Try the change again later."
)
ENDED = (
    "The graph database ended this request before it was done (it waited past "
    "GOVGRAPH_TRANSACTION_TIMEOUT, or the database was stopping); nothing was changed. "
    "Try again in a minute."
)
BUSY = "Every connection to the graph database is in use; try again in a moment."
# A write whose commit was sent but never acknowledged: only its idempotent forms are safe
# to send again, and the server does not do so on its own.
OUTCOME_UNKNOWN = (
    "The graph database stopped answering while this change was being saved: it may or may "
    "not have been recorded. Look before sending it again, or send it again as it was: a "
    "reportCase with the same requestId, or an advanceCase with its expectedSeq, is never "
    "applied twice."
)
OUT_OF_MEMORY = (
    "The graph database has not the memory for this (its transactions together may hold "
    "{limit}); ask a smaller question, or try again in a minute."
)
TIMED_OUT = (
    "The graph database did not answer within {timeout:g} s (GOVGRAPH_TRANSACTION_TIMEOUT); "
    "ask a smaller question, or try again in a minute."
)


class Transaction:
    """One open write transaction; counts what it runs."""

    def __init__(self, tx: AsyncTransaction, database: "Database") -> None:
        self._tx = tx
        self._database = database

    @property
    def scope(self) -> tuple[str, ...] | None:
        return self._database.scope

    async def run(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        with self._database.statement(cypher):
            result = await self._tx.run(cypher, self._database.parameters(params))
            return [native(row) for row in await result.data()]


class Database:
    def __init__(
        self,
        driver: neo4j.AsyncDriver,
        name: str,
        timeout: float,
        *,
        scope: tuple[str, ...] | None = None,
        me: str | None = None,
        unavailable_wait: float = DEFAULT_UNAVAILABLE_WAIT,
        bookmarks: neo4j.api.AsyncBookmarkManager | None = None,
    ) -> None:
        self.driver = driver
        self.name = name
        self.timeout = timeout
        # How long one statement may keep trying to reach the database (connecting, and
        # retrying what failed before it committed) before it answers UNAVAILABLE.
        self.unavailable_wait = unavailable_wait
        # The reader's scope (graph.security.principal.Principal.scope), given to every statement as
        # $scope, which the predicates of graph.security.scope read; None: the whole city. And
        # the person the reader is ($me), whom she always sees.
        self.scope = scope
        self.me = me
        # Shared by the sessions of one request, so that its reads see its writes on a
        # cluster, and seeded from the client's last bookmark (server/bookmarks.py).
        self.bookmarks = bookmarks
        self.statements = 0  # since this object was made; tests take differences

    def scoped(self, scope: tuple[str, ...] | None, me: str | None = None) -> "Database":
        """The same connection for a reader limited to `scope`; one per request."""
        return self._like(scope=scope, me=me)

    def waiting(self, seconds: float) -> "Database":
        """The same connection, trying to reach the database for `seconds` before giving up."""
        return self._like(unavailable_wait=seconds)

    def sharing(self, bookmarks: neo4j.api.AsyncBookmarkManager | None) -> "Database":
        """The same connection, its sessions sharing `bookmarks` (one request's)."""
        return self._like(bookmarks=bookmarks)

    def _like(self, **changes: Any) -> "Database":
        """This connection with some of its settings changed, counting statements anew."""
        settings = {
            "scope": self.scope,
            "me": self.me,
            "unavailable_wait": self.unavailable_wait,
            "bookmarks": self.bookmarks,
        }
        return Database(self.driver, self.name, self.timeout, **{**settings, **changes})

    def parameters(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        """`params` and the reader's scope and self, which no caller can override."""
        scope = None if self.scope is None else list(self.scope)
        return {**(params or {}), "scope": scope, "me": self.me}

    @classmethod
    def connect(
        cls,
        uri: str,
        user: str,
        password: str,
        *,
        name: str = "neo4j",
        timeout: float = 30.0,
        unavailable_wait: float = DEFAULT_UNAVAILABLE_WAIT,
    ) -> "Database":
        auth = (user, password) if password else None
        # Notifications (deprecations, unknown labels in an empty graph) are for
        # developers reading plans, not for every clerk's console.
        driver = AsyncGraphDatabase.driver(
            uri,
            auth=auth,
            max_connection_pool_size=50,
            # An attempt to connect gives up within half the wait, so that `_attempts` has
            # time to try again (a server restarting) before the wait is over.
            connection_timeout=unavailable_wait / 2,
            connection_acquisition_timeout=unavailable_wait,
            notifications_min_severity="OFF",
        )
        return cls(driver, name, timeout, unavailable_wait=unavailable_wait)

    async def close(self) -> None:
        await self.driver.close()

    def count_statement(self) -> None:
        self.statements += 1
        counter = request_statements.get()
        if counter is not None:
            counter[0] += 1

    @contextmanager
    def statement(self, cypher: str) -> Iterator[None]:
        """Counts one statement, times it for the request, and traces it: its text (always
        parameterised, so it holds no personal data), never its parameters."""
        self.count_statement()
        cost = request_cost.get()
        started = time.perf_counter()
        attributes = {"db.system.name": "neo4j", "db.namespace": self.name}
        # Not the exception's message, which may quote a value: its class only.
        with tracer.start_as_current_span(
            "cypher",
            kind=trace.SpanKind.CLIENT,
            attributes={**attributes, "db.query.text": cypher},
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                yield
            except Exception as error:
                span.set_status(trace.StatusCode.ERROR)
                span.set_attribute("error.type", type(error).__name__)
                raise
            finally:
                if cost is not None:
                    cost.statements += 1
                    cost.seconds += time.perf_counter() - started

    @asynccontextmanager
    async def session(self, **options: Any) -> AsyncIterator[neo4j.AsyncSession]:
        """A session of this request: its bookmarks shared, counted as a connection in use."""
        sessions_open[0] += 1
        try:
            async with self.driver.session(
                database=self.name, bookmark_manager=self.bookmarks, **options
            ) as session:
                yield session
        finally:
            sessions_open[0] -= 1

    async def read(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, convert: bool = True
    ) -> list[Row]:
        """One statement in an auto-commit read transaction: one round trip, where a managed
        transaction takes two (BEGIN and RUN, then COMMIT). A read changes nothing, so one
        that failed for want of the database is simply run again, within the wait. Without
        `convert`, the rows keep the driver's temporal values (the read planner's rows are
        answers, left as they come but for the few it converts itself)."""
        query = neo4j.Query(cypher, timeout=self.timeout)  # type: ignore[arg-type]

        async def attempt() -> list[Row]:
            async with self.session(default_access_mode=neo4j.READ_ACCESS) as session:
                with self.statement(cypher):
                    result = await session.run(query, self.parameters(params))
                    # Rows are maps of plain values (no statement returns nodes): no transform.
                    if not convert:
                        return [dict(record.items()) async for record in result]
                    return [native(dict(record.items())) async for record in result]

        return await self._attempts(attempt)

    async def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        async def work(tx: AsyncTransaction) -> list[Row]:
            return await Transaction(tx, self).run(cypher, params)

        return await self._execute(work)

    async def write_transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run several statements in one write transaction: all of them or none."""

        async def managed(tx: AsyncTransaction) -> T:
            return await work(Transaction(tx, self))

        return await self._execute(managed)

    async def run_autocommit(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """One statement in an auto-commit transaction, which `CALL { … } IN TRANSACTIONS`
        needs; not retried, so only for statements that are safe to run again."""
        query = neo4j.Query(cypher, timeout=self.timeout)  # type: ignore[arg-type]

        async def attempt() -> None:
            async with self.session() as session:
                with self.statement(cypher):
                    result = await session.run(query, self.parameters(params))
                    await result.consume()

        await self._attempts(attempt, retry=False)

    async def is_empty(self) -> bool:
        """Whether the graph holds no data: the server's bookkeeping is none."""
        rows = await self.read(f"MATCH (n) WHERE {NOT_BOOKKEEPING} RETURN count(n) = 0 AS empty")
        return rows[0]["empty"]

    async def empty(self) -> None:
        """Delete every node and relationship, in small transactions however large the graph."""
        await self.run_autocommit(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        )

    async def _execute(self, work: Callable[[AsyncTransaction], Awaitable[T]]) -> T:
        """A write transaction, run again (within the wait) when it failed before its
        commit was sent: Neo4j rolled it back, so the whole of it runs anew, reading afresh.
        Ours, not the driver's managed retries, so that the wait bounds it."""

        async def attempt() -> T:
            # Writes go to the leader of a cluster (the session's default access mode).
            async with self.session() as session:
                tx = await session.begin_transaction(timeout=self.timeout)
                result = await work(tx)  # on an error, closing the session rolls it back
                await tx.commit()
                return result

        return await self._attempts(attempt)

    async def _attempts(self, attempt: Callable[[], Awaitable[T]], *, retry: bool = True) -> T:
        """`attempt()`, tried again with a growing pause while the database cannot be reached
        and `unavailable_wait` lasts; then UNAVAILABLE. A commit whose outcome is unknown is
        never tried again: it may have been recorded."""
        outage = request_outage.get()
        if outage is not None and outage[0]:
            raise Unavailable(UNREACHABLE)
        deadline = time.monotonic() + self.unavailable_wait
        delay = FIRST_RETRY_DELAY
        while True:
            try:
                return await attempt()
            except IncompleteCommit as error:
                raise Unavailable(OUTCOME_UNKNOWN) from error
            except ConnectionAcquisitionTimeoutError as error:
                raise Unavailable(BUSY) from error
            except (DriverError, Neo4jError) as error:
                if isinstance(error, ClientError) and timed_out(error):
                    raise Unavailable(TIMED_OUT.format(timeout=self.timeout)) from error
                if isinstance(error, ClientError) and "ReadOnly" in (error.code or ""):
                    raise Unavailable(READ_ONLY) from error
                if isinstance(error, ClientError) and ended(error):
                    raise Unavailable(ENDED) from error
                if out_of_memory(error):  # the same work would need the same memory again
                    raise OutOfMemory(_limit(error)) from error
                if not error.is_retryable():
                    raise
                left = deadline - time.monotonic()
                if not retry or left <= delay:
                    if outage:  # the request's other statements need not wait again
                        outage[0] = True
                    raise Unavailable(UNREACHABLE) from error
            await asyncio.sleep(delay)
            delay *= 2


class OutOfMemory(Unavailable):
    """Neo4j refused the transaction the memory it asked for, and rolled it back."""

    def __init__(self, limit: str) -> None:
        super().__init__(OUT_OF_MEMORY.format(limit=limit))
        self.limit = limit


def out_of_memory(error: Neo4jError | DriverError) -> bool:
    return "MemoryPoolOutOfMemoryError" in (getattr(error, "code", None) or "")


def _limit(error: Neo4jError | DriverError) -> str:
    """The limit Neo4j names ("… would use more than the limit 2.1 GiB …"), or its setting."""
    found = re.search(r"the limit ([\d.]+ \w+)", str(error))
    return found[1] if found else "dbms.memory.transaction.total.max"


def ended(error: ClientError) -> bool:
    """Whether Neo4j ended the transaction from outside (its lock wait stopped at the timeout,
    a shutdown): it was rolled back."""
    code = error.code or ""
    return "LockClientStopped" in code or code.endswith("Transaction.Terminated")


def timed_out(error: ClientError) -> bool:
    """Whether Neo4j ended the transaction at its timeout: UNAVAILABLE, naming the setting."""
    return "TransactionTimedOut" in (error.code or "")


def native(row: Row) -> Row:
    """Neo4j temporal values as Python's date and datetime."""
    return {key: _native_value(value) for key, value in row.items()}


def _native_value(value: Any) -> Any:
    if isinstance(value, Date | DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [_native_value(item) for item in value]
    if isinstance(value, dict):
        return native(value)
    return value
