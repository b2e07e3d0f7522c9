"""A local Neo4j Community 5.26 server assembled from Maven Central (DESIGN §9).

The jars are copied once into `.neo4j/lib` by Maven from `graph/store/neo4j-server/pom.xml`;
each instance ("dev", "test", ...) has its own home under `.neo4j/<instance>`
with its own neo4j.conf, data and logs, so tests never touch the dev database.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import neo4j

POM = Path(__file__).parent / "neo4j-server" / "pom.xml"
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / ".neo4j"

# The flags that the tarball's neo4j.conf gives its launcher on Java 17; the entry
# class started directly needs them passed by hand.
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


class LocalServerError(Exception):
    """The local server cannot be set up or started; the message says why."""


@dataclass(frozen=True)
class Instance:
    name: str = "dev"
    bolt_port: int = 7687
    heap: str = "2g"
    page_cache: str = "2g"
    root: Path = DEFAULT_ROOT
    # Writes refused (server.databases.read_only), as for maintenance or a full disk: the
    # fault tests' way to make one in Community, which cannot switch it while running.
    read_only: bool = False
    # What all transactions together may hold (dbms.memory.transaction.total.max); by
    # default three quarters of the heap, so that one too large for it (a `--replace`
    # switch of a city) fails alone instead of exhausting the heap and stopping the server.
    transaction_memory: str | None = None

    @property
    def home(self) -> Path:
        return self.root / self.name

    @property
    def lib(self) -> Path:
        return self.root / "lib"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"


def require_tools(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            package = {"java": "openjdk-17-jre-headless", "mvn": "maven"}[tool]
            raise LocalServerError(
                f"`{tool}` is not installed; install it (apt-get install {package}) "
                "or set NEO4J_URI to use another Neo4j."
            )


def ensure_jars(instance: Instance) -> None:
    """Copy the server's jars from Maven Central once; later calls reuse them."""
    marker = instance.lib / ".complete"
    pom_text = POM.read_text(encoding="utf-8")
    if marker.exists() and marker.read_text(encoding="utf-8") == pom_text:
        return
    require_tools("java", "mvn")
    shutil.rmtree(instance.lib, ignore_errors=True)
    command = [
        "mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
        f"-DoutputDirectory={instance.lib}", "-DincludeScope=runtime",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise LocalServerError(f"Maven could not fetch the Neo4j jars:\n{tail}")
    marker.write_text(pom_text, encoding="utf-8")


def write_config(instance: Instance) -> None:
    for folder in ("conf", "data", "logs", "plugins", "run", "import"):
        (instance.home / folder).mkdir(parents=True, exist_ok=True)
    settings = {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.listen_address": f"127.0.0.1:{instance.bolt_port}",
        "server.bolt.advertised_address": f"127.0.0.1:{instance.bolt_port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "false",
        "server.memory.heap.initial_size": instance.heap,
        "server.memory.heap.max_size": instance.heap,
        "server.memory.pagecache.size": instance.page_cache,
        "dbms.memory.transaction.total.max": instance.transaction_memory
        or three_quarters(instance.heap),
        "dbms.usage_report.enabled": "false",
        "server.directories.data": "data",
        "server.directories.logs": "logs",
        "server.directories.plugins": "plugins",
        "server.directories.run": "run",
        "server.directories.import": "import",
        "db.transaction.timeout": "120s",
    }
    if instance.read_only:
        settings["server.databases.read_only"] = "neo4j"
    text = "".join(f"{key}={value}\n" for key, value in settings.items())
    (instance.home / "conf" / "neo4j.conf").write_text(text, encoding="utf-8")


def three_quarters(size: str) -> str:
    """Three quarters of a Neo4j memory size ("3g" gives "2359296k"); "0", no limit, for
    one it cannot read (Neo4j then refuses the heap setting itself)."""
    found = re.fullmatch(r"(\d+)([kmg])", size.strip().lower())
    if found is None:
        return "0"
    kib = int(found[1]) * {"k": 1, "m": 1024, "g": 1024 * 1024}[found[2]]
    return f"{kib * 3 // 4}k"


def running_pid(instance: Instance) -> int | None:
    try:
        pid = int(instance.pid_file.read_text(encoding="utf-8"))
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def answers(instance: Instance) -> bool:
    """True when a query on the neo4j database succeeds over Bolt."""
    try:
        # An auto-commit query: the driver does not retry it, so a down server answers at once.
        with (
            neo4j.GraphDatabase.driver(instance.uri, auth=None, connection_timeout=2) as driver,
            driver.session(database="neo4j") as session,
        ):
            session.run("RETURN 1").consume()
        return True
    except Exception:
        return False


def listening(instance: Instance) -> bool:
    """Whether something accepts connections on the instance's Bolt port (at once: loopback)."""
    try:
        with socket.create_connection(("127.0.0.1", instance.bolt_port), timeout=1):
            return True
    except OSError:
        return False


def port_taken(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def start(instance: Instance, timeout: float = 240.0) -> bool:
    """Start the server and return when Bolt answers; False when it already ran."""
    if running_pid(instance) is not None and answers(instance):
        return False
    require_tools("java")
    if port_taken(instance.bolt_port):
        raise LocalServerError(
            f"Port {instance.bolt_port} is taken by another program; stop it, or choose "
            "another port (GOVGRAPH_NEO4J_PORT)."
        )
    ensure_jars(instance)
    write_config(instance)
    home = instance.home
    command = [
        "java", "-cp", f"{home}/plugins/*:{home}/conf/*:{instance.lib}/*",
        f"-Xms{instance.heap}", f"-Xmx{instance.heap}", *JVM_FLAGS,
        "org.neo4j.server.CommunityEntryPoint",
        f"--home-dir={home}", f"--config-dir={home}/conf", "--console-mode",
    ]  # fmt: skip
    log = instance.console_log.open("ab")
    process = subprocess.Popen(
        command, cwd=home, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    instance.pid_file.write_text(str(process.pid), encoding="utf-8")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalServerError(f"Neo4j stopped while starting:\n{log_tail(instance)}")
        if answers(instance):
            return True
        time.sleep(0.5)
    stop(instance)
    raise LocalServerError(f"Neo4j did not answer within {timeout:.0f} s:\n{log_tail(instance)}")


def stop(instance: Instance, timeout: float = 120.0) -> bool:
    """Stop the server with SIGTERM (SIGKILL after `timeout`); False when none ran."""
    pid = running_pid(instance)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        _reap(pid)
        time.sleep(0.2)
    else:
        os.kill(pid, signal.SIGKILL)
    instance.pid_file.unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    """Collect the exit status when this process started the server itself."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def log_tail(instance: Instance, lines: int = 20) -> str:
    try:
        text = instance.console_log.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "(no log written)"
    return "\n".join(text.strip().splitlines()[-lines:])
