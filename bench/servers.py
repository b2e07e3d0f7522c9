"""The two GraphQL servers under test, started as their users run them, each against the
same Neo4j; their peak memory is read from the kernel (VmHWM: the peak resident set)."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PEER = Path(__file__).parent / "neo4j-graphql"
LOGS = ROOT / ".bench" / "logs"


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def peak_rss_mib(self) -> float:
        """The process's peak resident memory so far."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _start(name: str, command: list[str], env: dict[str, str], *, cwd: Path, url: str) -> Server:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = (LOGS / f"{name}.log").open("wb")
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(name, url, process)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} stopped while starting; see {log.name}")
        try:
            answer = httpx.post(url, json={"query": "{ __typename }"}, timeout=5)
            if answer.status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    raise SystemExit(f"{name} did not answer on {url} within 120 s")


def start_govgraph(neo4j_uri: str, port: int) -> Server:
    """`govgraph serve`, as the README runs it (uvicorn, one process)."""
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "GOVGRAPH_AUTH": "off",  # access control, once merged: off on loopback
        "GOVGRAPH_GRAPHIQL": "false",
        # The peer sets no timeout: city-wide questions under load may take long.
        "GOVGRAPH_TRANSACTION_TIMEOUT": "300",
    }
    command = [str(Path(sys.executable).parent / "govgraph"), "serve", "--port", str(port)]
    return _start("govgraph", command, env, cwd=ROOT, url=f"http://127.0.0.1:{port}/graphql")


def install_peer() -> None:
    """The peer's exact packages, from its package-lock.json."""
    if (PEER / "node_modules" / ".package-lock.json").exists():
        lock = (PEER / "package-lock.json").stat().st_mtime
        if (PEER / "node_modules" / ".package-lock.json").stat().st_mtime >= lock:
            return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER, check=True)


def start_peer(neo4j_uri: str, port: int) -> Server:
    """@neo4j/graphql 7 on Apollo Server (bench/neo4j-graphql/server.mjs)."""
    env = {**os.environ, "NEO4J_URI": neo4j_uri, "PORT": str(port), "NODE_ENV": "production"}
    return _start(
        "neo4j-graphql", ["node", "server.mjs"], env, cwd=PEER, url=f"http://127.0.0.1:{port}/"
    )
