"""`govgraph import --bulk`: a dataset into the local server's EMPTY database through
Neo4j's offline importer (`neo4j-admin database import full`), the fastest path there is.

The dataset is checked exactly as the online import checks it (with nothing in the
database, only the dataset counts), written as the offline importer's CSV files
(graph/bulk_files.py), and imported with the server stopped, since the offline
importer writes the store files itself. It writes a new store beside the served one;
only when it succeeded is the new store swapped in (directories renamed), and the
previous one is removed only once the server started on the new one and the
migrations added the constraints and indexes. Whenever it fails or is killed, the
previous store is the one the server starts with.
"""

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from graph.case_machine import CaseChain
from graph.core.db import Database
from graph.core.errors import BadUserInput, GovgraphError
from graph.importing.bulk_files import AdminInput, Apart, write_input
from graph.importing.checks import Checked, validate
from graph.importing.online import ImportRejected, ImportReport, Progress, require_dataset
from graph.security.sealing import PiiKeys
from graph.store import local_server
from graph.store.local_server import Instance, LocalServerError
from graph.store.migrations import indexes_online, migrate

DATABASE = "neo4j"  # the local server's one user database
NEW_STORE = "bulk-import"  # the store neo4j-admin writes, until it is swapped in
PREVIOUS_STORE = "bulk-import-previous"  # the store swapped out, until the new one serves
ADMIN_STEP = "neo4j-admin import"  # the step named to `progress` while the importer runs
NOT_EMPTY = (
    "The database is not empty, and --bulk is for an empty database: import without "
    "--bulk, or empty it first (govgraph import --replace)."
)


class NotEmpty(BadUserInput):
    """The database holds nodes; the offline importer would overwrite them."""


class BulkImportFailed(GovgraphError):
    """neo4j-admin refused the files; the message holds the end of its output."""


def bulk_import(
    instance: Instance, folder: Path, pii_keys: PiiKeys, *, progress: Progress | None = None
) -> ImportReport:
    """Check, convert and import `folder`; the server runs afterwards only if it ran before."""
    require_dataset(folder)
    report = progress or (lambda step, done, total: None)
    _recover(instance)
    started = local_server.start(instance)
    try:
        scratch_folder = tempfile.TemporaryDirectory(prefix="bulk-import-", dir=instance.home)
        with (
            scratch_folder as scratch,
            # people.csv converted by a second process from now on, beside the checks.
            Apart(folder, pii_keys, folder=Path(scratch)) as apart,
            ThreadPoolExecutor(1) as background,
        ):
            checked = asyncio.run(_check(instance, folder, CaseChain.of(pii_keys)))
            # Done with the server: it stops (seconds of checkpoint) during the conversion.
            stopped = background.submit(local_server.stop, instance)
            admin_input = AdminInput(Path(scratch))
            try:
                write_input(
                    folder, checked, pii_keys, out=admin_input, apart=apart, progress=report
                )
            finally:
                admin_input.close()
            stopped.result()
            report(ADMIN_STEP, 0, 1)
            _run_admin_import(instance, admin_input)
            report(ADMIN_STEP, 1, 1)
        _swap(instance, DATABASE, PREVIOUS_STORE)
        _swap(instance, NEW_STORE, DATABASE)
        try:
            local_server.start(instance)
            asyncio.run(_migrate(instance, report))
        except BaseException:
            with contextlib.suppress(LocalServerError):
                local_server.stop(instance)
            _swap(instance, DATABASE, NEW_STORE)
            _swap(instance, PREVIOUS_STORE, DATABASE)
            raise
        _remove(instance, PREVIOUS_STORE)
    except BaseException:
        # Up again (or down again) even when a step failed, without hiding why it failed.
        with contextlib.suppress(LocalServerError):
            local_server.stop(instance)
            _remove(instance, NEW_STORE)
            _leave_as_found(instance, started)
        raise
    _leave_as_found(instance, started)
    return ImportReport(dict(checked.counts))


def _leave_as_found(instance: Instance, started: bool) -> None:
    if started:
        local_server.stop(instance)
    else:
        local_server.start(instance)


def _recover(instance: Instance) -> None:
    """After a bulk import killed while it swapped stores: the previous store back if the
    new one never took its place, else (the new one complete) the previous one gone."""
    if local_server.running_pid(instance) is not None:
        return  # a server serves a store already: nothing was left half-swapped
    if not _store_folders(instance, DATABASE)[0].exists():
        _swap(instance, PREVIOUS_STORE, DATABASE)
    _remove(instance, PREVIOUS_STORE)


def _store_folders(instance: Instance, store: str) -> list[Path]:
    data = instance.home / "data"
    return [data / "databases" / store, data / "transactions" / store]


def _swap(instance: Instance, source: str, target: str) -> None:
    """Rename a store (the server stopped); whatever held the name `target` is gone."""
    for origin, destination in zip(
        _store_folders(instance, source), _store_folders(instance, target), strict=True
    ):
        shutil.rmtree(destination, ignore_errors=True)
        if origin.exists():
            origin.rename(destination)


def _remove(instance: Instance, store: str) -> None:
    for folder in _store_folders(instance, store):
        shutil.rmtree(folder, ignore_errors=True)


def _connect(instance: Instance) -> Database:
    return Database.connect(instance.uri, "neo4j", "", name=DATABASE, timeout=600)


async def _check(instance: Instance, folder: Path, chain: CaseChain) -> Checked:
    db = _connect(instance)
    try:
        if not await db.is_empty():
            raise NotEmpty(NOT_EMPTY)
        checked = await validate(db, folder, replace=True, chain=chain)
    finally:
        await db.close()
    if checked.problems:
        raise ImportRejected(checked.problems)
    return checked


async def _migrate(instance: Instance, report: Progress) -> None:
    db = _connect(instance)
    try:
        await migrate(db, report)  # computes the coverage kept (graph.kept), with progress
        await indexes_online(db)  # populated before the import reports success
    finally:
        await db.close()


def _run_admin_import(instance: Instance, admin_input: AdminInput) -> None:
    home = instance.home
    log = home / "logs" / "bulk-import.log"
    command = [
        "java", "-cp", f"{instance.lib}/*",
        "org.neo4j.server.startup.Neo4jAdminCommand", "database", "import", "full",
        NEW_STORE,  # before the options: --nodes and --relationships take any number of files
        "--overwrite-destination",
        # The machine's cores; a virtual disk gains nothing from parallel writes.
        f"--threads={os.cpu_count() or 2}", "--high-parallel-io=off",
        f"--max-off-heap-memory={instance.page_cache}",
        f"--report-file={admin_input.folder / 'import.report'}",
        *admin_input.arguments,
    ]  # fmt: skip
    if admin_input.multiline:  # only then: multi-line parsing gives up parallel reading
        command.append("--multiline-fields=true")
    environment = {
        **os.environ,
        "NEO4J_HOME": str(home),
        "NEO4J_CONF": str(home / "conf"),
        "HEAP_SIZE": instance.heap,
    }
    with log.open("w", encoding="utf-8") as output:
        done = subprocess.run(
            command, cwd=home, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    if done.returncode != 0:
        lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        raise BulkImportFailed(
            f"neo4j-admin could not import the dataset (log: {log}):\n" + "\n".join(lines[-15:])
        )
