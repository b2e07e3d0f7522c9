"""The access log of personal data (issue #6): every clear read of a phone, recorded in the
transaction that reads the sealed value, so that no phone leaves without its record.

Records are `AccessRecord` nodes numbered 1, 2, 3 … in one log whose head
(`AccessLog {name}`) holds the last number and hash. Each record's hash is an HMAC, under
a key derived from the personal-data key, over its content and the previous record's hash:
nobody without the key can edit a record, or delete one, and leave a chain that verifies.
Nothing in the API edits or deletes a record.
"""

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from graph.core import clock
from graph.core.db import Database, Row, Transaction, write_lock
from graph.core.errors import Forbidden
from graph.core.records import record
from graph.security import scope
from graph.security.personal_data import PHONE_FIELD
from graph.security.sealing import PiiKeys, Unsealable, unseal

LOG = "personal-data"
CHAIN_KEY_PURPOSE = "access-log chain"
VERIFY_BATCH = 1000

NOT_YOURS = "This person does not live in a grid of yours; only her grid workers may call her."


@dataclass(frozen=True)
class AccessRecord:
    seq: int
    at: datetime
    reader_id: str  # who read: the principal's subject, a person id
    person_id: str  # whose data
    field: str  # which field was read in clear
    purpose: str
    grid_code: str  # the person's grid at the time, so that auditors read within a scope
    hash: str


def record_hash(key: bytes, previous_hash: str, record: AccessRecord) -> str:
    content = [
        previous_hash, record.seq, record.at.isoformat(), record.reader_id, record.person_id,
        record.field, record.purpose, record.grid_code,
    ]  # fmt: skip
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hmac.digest(key, canonical.encode("utf-8"), hashlib.sha256).hex()


# ------------------------------------------------------------------ clear reads

# The head's write lock first (held until commit): clear reads queue here, each numbered
# after the one before. Then each person's sealed phone, if she lives within the scope.
_LOCK_AND_READ = f"""
    MERGE (log:AccessLog {{name: $log}})
    {write_lock("log")}
    WITH log
    UNWIND $ids AS id
    OPTIONAL MATCH (n:Person {{id: id}})-[:LIVES_IN]->(:Household)-[:IN]->(:Building)
                   -[:IN]->(g:Grid)
    WITH log, id, n, g, g IS NOT NULL AND {scope.grid_in_scope("g")} AS allowed
    RETURN id, allowed, g.code AS gridCode, CASE WHEN allowed THEN n.phoneSealed END AS sealed,
           coalesce(log.lastSeq, 0) AS lastSeq, coalesce(log.lastHash, '') AS lastHash"""
_APPEND = """
    MATCH (log:AccessLog {name: $log})
    SET log.lastSeq = $lastSeq, log.lastHash = $lastHash
    WITH log
    UNWIND $records AS record
    CREATE (r:AccessRecord)
    SET r = record"""


@dataclass(frozen=True)
class PhoneRead:
    person_id: str
    purpose: str


async def read_phones(
    db: Database,
    keys: PiiKeys,
    reads: Sequence[PhoneRead],
    *,
    reader: str,
    reader_scope: Sequence[str] | None,
) -> list[str | Exception | None]:
    """The clear phone of each read (None when the person has none; an exception when she
    lives outside the scope or her sealed phone does not open), and a record of each phone
    read, written in the same transaction: no record, no phone."""

    async def work(tx: Transaction) -> list[str | Exception | None]:
        params = {"log": LOG, "ids": [read.person_id for read in reads], "scope": reader_scope}
        found = {row["id"]: row for row in await tx.run(_LOCK_AND_READ, params)}
        head = next(iter(found.values()))  # every row carries the head's last seq and hash
        last_seq, last_hash = head["lastSeq"], head["lastHash"]
        chain_key, at = keys.derived(CHAIN_KEY_PURPOSE), clock.now()
        answers: list[str | Exception | None] = []
        records = []
        for read in reads:
            row = found[read.person_id]
            if not row["allowed"]:
                answers.append(Forbidden(NOT_YOURS))
                continue
            if row["sealed"] is None:
                answers.append(None)
                continue
            try:
                phone = unseal(keys, read.person_id, PHONE_FIELD, sealed=row["sealed"])
            except Unsealable as error:
                answers.append(error)
                continue
            entry = AccessRecord(
                seq=last_seq + 1,
                at=at,
                reader_id=reader,
                person_id=read.person_id,
                field=PHONE_FIELD,
                purpose=read.purpose,
                grid_code=row["gridCode"],
                hash="",
            )
            last_seq, last_hash = entry.seq, record_hash(chain_key, last_hash, entry)
            records.append(_props(entry, last_hash))
            answers.append(phone)
        if records:
            append = {"log": LOG, "lastSeq": last_seq, "lastHash": last_hash, "records": records}
            await tx.run(_APPEND, append)
        return answers

    return await db.write_transaction(work)


def _props(record: AccessRecord, hash: str) -> Row:
    return {
        "seq": record.seq,
        "at": record.at,
        "readerId": record.reader_id,
        "personId": record.person_id,
        "field": record.field,
        "purpose": record.purpose,
        "gridCode": record.grid_code,
        "hash": hash,
    }


# ------------------------------------------------------------------ the auditors' list

RECORD = (
    ".seq, .at, reader_id: n.readerId, person_id: n.personId, .field, .purpose, "
    "grid_code: n.gridCode, .hash"
)

# Records of grids within $within and within the reader's $scope, at from..to.
_MATCHING = f"""
    {scope.GRIDS_WITHIN}
    WITH g WHERE {scope.grid_in_scope("g")}
    WITH collect(g.code) AS codes
    MATCH (n:AccessRecord) WHERE n.gridCode IN codes
      AND ($from IS NULL OR n.at >= $from) AND ($to IS NULL OR n.at <= $to)"""


@dataclass(frozen=True)
class LogFilter:
    within: str
    reader_scope: Sequence[str] | None
    start: datetime | None
    end: datetime | None

    def params(self) -> Row:
        scoped = list(self.reader_scope) if self.reader_scope is not None else None
        return {"within": self.within, "scope": scoped, "from": self.start, "to": self.end}


async def page(
    db: Database, where: LogFilter, *, after: int | None, limit: int
) -> list[AccessRecord]:
    statement = f"""{_MATCHING} AND ($after IS NULL OR n.seq > $after)
        RETURN n {{{RECORD}}} AS row ORDER BY n.seq LIMIT $limit"""
    rows = await db.read(statement, {**where.params(), "after": after, "limit": limit})
    return [record(AccessRecord, row["row"]) for row in rows]


async def count(db: Database, where: LogFilter) -> int:
    rows = await db.read(f"{_MATCHING} RETURN count(n) AS total", where.params())
    return rows[0]["total"]


# ------------------------------------------------------------------ verification


@dataclass(frozen=True)
class LogBreak:
    seq: int
    reason: str


async def verify(db: Database, keys: PiiKeys) -> tuple[int, LogBreak | None]:
    """How many records the log holds, and its first break: a record edited, missing, or
    added outside the chain, or a head that does not match its last record."""
    chain_key = keys.derived(CHAIN_KEY_PURPOSE)
    heads = await db.read(
        "OPTIONAL MATCH (log:AccessLog {name: $log}) "
        "RETURN coalesce(log.lastSeq, 0) AS lastSeq, coalesce(log.lastHash, '') AS lastHash",
        {"log": LOG},
    )
    expected_seq, previous_hash, held = 1, "", 0
    while True:
        rows = await db.read(
            f"MATCH (n:AccessRecord) WHERE n.seq >= $from "
            f"RETURN n {{{RECORD}}} AS row ORDER BY n.seq LIMIT $limit",
            {"from": expected_seq, "limit": VERIFY_BATCH},
        )
        for row in rows:
            stored = record(AccessRecord, row["row"])
            held += 1
            if stored.seq != expected_seq:
                return held, LogBreak(expected_seq, "the record is missing: it was deleted")
            if record_hash(chain_key, previous_hash, stored) != stored.hash:
                return held, LogBreak(stored.seq, "its content or hash was changed")
            expected_seq, previous_hash = expected_seq + 1, stored.hash
        if len(rows) < VERIFY_BATCH:
            break
    head = heads[0]
    if head["lastSeq"] != expected_seq - 1 or head["lastHash"] != previous_hash:
        return held, LogBreak(head["lastSeq"], "the log's last records were deleted or replaced")
    return held, None
