"""The local Neo4j Community server: fetched from Maven Central, run as its own JVM, no Docker.

Jars live in ``<jars>/lib`` and ``<jars>/plugins`` (shared by every instance); an instance's configuration, data,
logs, pid file and generated password live in its home directory (``.neo4j/`` for ``make run``, a temporary
directory for the test suite).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fundgraph.config import DEFAULT_TRANSACTION_MEMORY, project_root
from fundgraph.cypher_policy import load_policy
from fundgraph.errors import ConfigError, Neo4jUnavailable

NEO4J_VERSION = "5.26.30"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
ADMIN_TIMEOUT_S = 6 * 3600  # a million projects' import; a dump or load of the same is minutes
JVM_OPENS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
)


def _require(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise ConfigError(f"`{tool}` was not found on PATH; {hint}")
    return path


def java_major_version(java: str) -> int:
    output = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', output)
    if match is None:
        raise ConfigError(f"could not tell the Java version from `{java} -version`: {output.strip()[:200]}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else None
    if java is None or not Path(java).is_file():
        java = _require("java", "install a Java 17 or 21 runtime (Debian: apt-get install openjdk-17-jre-headless)")
    major = java_major_version(java)
    if major not in (17, 21):
        raise ConfigError(
            f"Neo4j {NEO4J_VERSION} runs on Java 17 or 21, but `{java}` is Java {major}; "
            "set JAVA_HOME to a Java 17 or 21 installation"
        )
    return java


def jars_fetched(jars: Path) -> bool:
    return (jars / "lib" / f"neo4j-{NEO4J_VERSION}.jar").is_file() and any((jars / "plugins").glob("apoc-core-*.jar"))


def fetch(jars: Path, *, quiet: bool = True) -> bool:
    """Fetch Neo4j and APOC with Maven (``neo4j/pom.xml``) unless already there; True when it downloaded."""
    if jars_fetched(jars):
        return False
    mvn = _require("mvn", "install Maven (Debian: apt-get install maven); it fetches Neo4j from Maven Central")
    find_java()
    pom = project_root() / "neo4j" / "pom.xml"
    if not pom.is_file():
        raise ConfigError(f"{pom} is missing; run fundgraph from its checkout")
    command = [mvn, "-B", "-f", str(pom), f"-DoutputDir={jars}", "package"]
    if quiet:
        command.insert(1, "-q")
    completed = subprocess.run(command, capture_output=quiet, text=True, check=False)
    if completed.returncode != 0:
        detail = (completed.stdout or "")[-3000:] if quiet else ""
        raise Neo4jUnavailable(f"fetching Neo4j {NEO4J_VERSION} with Maven failed:\n{detail}")
    return True


@dataclass
class LocalServer:
    """One Neo4j instance: its home directory, Bolt port and memory, using the shared jars."""

    home: Path
    port: int = 7687
    jars: Path | None = None
    heap: str = "2g"
    pagecache: str = "1g"
    # The most heap one transaction may take (db.memory.transaction.max), so that one ad-hoc query cannot take the
    # server's; sized in fundgraph.config (FUNDGRAPH_NEO4J_TX_MEMORY), from the peaks of loads and findings.
    transaction_memory: str = DEFAULT_TRANSACTION_MEMORY
    auth: bool = True
    extra_conf: tuple[str, ...] = ()
    # More options for the JVM (the benchmark logs the server's garbage collections beside its timings).
    jvm_options: tuple[str, ...] = ()

    @property
    def jar_dir(self) -> Path:
        return self.jars or self.home

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"

    def password(self) -> str | None:
        return self.password_file.read_text(encoding="utf-8").strip() if self.password_file.is_file() else None

    def pid(self) -> int | None:
        """The pid of this instance's JVM if it is alive."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        cmdline = Path(f"/proc/{pid}/cmdline")
        if cmdline.exists() and ENTRY_POINT.encode() not in cmdline.read_bytes():
            return None
        return pid

    def write_conf(self) -> None:
        for sub in ("conf", "data", "logs", "run", "import"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        lines = [
            "# Written by `fundgraph neo4j start`; edits are overwritten.",
            "server.default_listen_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{self.port}",
            "server.http.enabled=false",
            "server.https.enabled=false",
            f"dbms.security.auth_enabled={str(self.auth).lower()}",
            f"server.memory.pagecache.size={self.pagecache}",
            "dbms.usage_report.enabled=false",
            f"server.directories.data={self.home / 'data'}",
            f"server.directories.logs={self.home / 'logs'}",
            f"server.directories.run={self.home / 'run'}",
            f"server.directories.import={self.home / 'import'}",
            f"server.directories.plugins={self.jar_dir / 'plugins'}",
            "dbms.security.allow_csv_import_from_file_urls=false",
            # Only the plugin functions fundgraph/cypher_policy.yaml allows are loaded at all, none unrestricted: a
            # function that runs a string as Cypher would hide that statement from the guard's reading of the plan.
            f"dbms.security.procedures.allowlist={load_policy().server_allowlist}",
            # Never more than half the heap, so that the limit is met before the heap is full.
            f"db.memory.transaction.max={min_size(self.transaction_memory, half_size(self.heap))}",
        ]
        # Neo4j refuses a setting declared twice: extra settings replace the ones above with the same key.
        overrides = dict(entry.split("=", 1) for entry in self.extra_conf)
        lines = [ln for ln in lines if ln.startswith("#") or ln.split("=", 1)[0] not in overrides]
        lines += [f"{key}={value}" for key, value in overrides.items()]
        (self.home / "conf" / "neo4j.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def admin(
        self,
        *args: str,
        timeout: float = ADMIN_TIMEOUT_S,
        at_file: list[str] | None = None,
        java: str | None = None,
    ) -> str:
        """Run ``neo4j-admin ARGS`` on this server's home and conf; its output, or Neo4jUnavailable naming the command
        and the end of what it said. ``at_file``: more arguments, one a line, in a picocli @file beside the store
        (a million projects' file lists pass Linux's 128 KiB limit on one argument)."""
        env = {**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.home / "conf")}
        command = [java or find_java(), "-cp", f"{self.jar_dir / 'lib'}/*", ADMIN_TOOL, *args]
        with contextlib.ExitStack() as stack:
            if at_file is not None:
                (self.home / "import").mkdir(parents=True, exist_ok=True)
                listed = stack.enter_context(
                    tempfile.NamedTemporaryFile(
                        "w", encoding="utf-8", dir=self.home / "import", prefix="admin-", suffix=".args"
                    )
                )
                listed.writelines(line + "\n" for line in at_file)
                listed.flush()
                command.append(f"@{listed.name}")
            completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=timeout)
        if completed.returncode != 0:
            detail = (completed.stderr or completed.stdout).strip()[-3000:]
            raise Neo4jUnavailable(f"neo4j-admin {' '.join(args[:2])} failed (exit {completed.returncode}): {detail}")
        return completed.stdout

    def _set_initial_password(self, java: str) -> None:
        """Generate a password before the first start; Neo4j only accepts an initial password then."""
        if not self.auth or self.password() is not None:
            return
        if (self.home / "data" / "dbms" / "auth.ini").exists() or (self.home / "data" / "databases").exists():
            raise ConfigError(
                f"{self.home / 'data'} holds a database but {self.password_file} is gone; "
                "set NEO4J_PASSWORD, or remove that data directory to start afresh"
            )
        password = secrets.token_hex(24)  # not token_urlsafe: a leading "-" reads as an option to the admin tool
        self.admin("dbms", "set-initial-password", password, java=java)
        self.password_file.write_text(password + "\n", encoding="utf-8")
        self.password_file.chmod(0o600)

    def start(self, timeout: float = 180.0, on_wait: Callable[[], None] | None = None) -> bool:
        """Start the JVM and wait until Bolt answers; False when this instance was already running."""
        if not jars_fetched(self.jar_dir):
            raise ConfigError(f"Neo4j is not fetched into {self.jar_dir}; run `fundgraph neo4j fetch` first")
        if self.pid() is not None:
            return False
        if port_in_use(self.port):
            raise Neo4jUnavailable(
                f"port {self.port} is already in use by another program; set NEO4J_URI to another port"
            )
        java = find_java()
        self.write_conf()
        self._set_initial_password(java)
        heap = self.heap
        command = [
            java,
            f"-Xms{min_size(heap, '512m')}",
            f"-Xmx{heap}",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            *self.jvm_options,
            *JVM_OPENS,
            "-Dfile.encoding=UTF-8",
            "-cp",
            f"{self.jar_dir / 'plugins'}/*:{self.jar_dir / 'lib'}/*:{self.home / 'conf'}",
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.home / 'conf'}",
            "--console-mode",
        ]
        with self.console_log.open("ab") as log:
            process = subprocess.Popen(
                command,
                cwd=self.home,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise Neo4jUnavailable(
                    f"Neo4j exited with code {process.returncode} while starting; its log says:\n{self.log_tail()}"
                )
            if self.answers():
                return True
            if on_wait is not None:
                on_wait()
            time.sleep(0.5)
        self.stop()
        raise Neo4jUnavailable(f"Neo4j did not answer on {self.uri} within {timeout:.0f}s:\n{self.log_tail()}")

    def answers(self) -> bool:
        """True when Bolt accepts a query with this instance's credentials."""
        if not port_in_use(self.port):
            return False
        from neo4j import GraphDatabase
        from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

        password = self.password()
        auth = ("neo4j", password) if self.auth and password else None
        try:
            with GraphDatabase.driver(self.uri, auth=auth, connection_timeout=5) as driver:
                driver.execute_query("RETURN 1")
            return True
        except (ServiceUnavailable, SessionExpired, Neo4jError, OSError):
            return False

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop the JVM cleanly (SIGTERM, then SIGKILL after ``timeout``); False when it was not running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.console_log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        interesting = [ln for ln in text.splitlines() if "ERROR" in ln or "Caused by" in ln or "Exception" in ln]
        return "\n".join((interesting or text.splitlines())[-lines:])


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and ") Z" in stat.read_text())


def wait_for_url(url: str, timeout: float = 30.0) -> bool:
    """True once ``url`` answers 200 (an API's /health or /ready), False after ``timeout`` seconds."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    return False


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def half_size(size: str) -> str:
    """Half a JVM memory size, in MiB.

    >>> half_size("2g"), half_size("1g"), half_size("768m")
    ('1024m', '512m', '384m')
    """
    number, unit = int(size[:-1]), size[-1].lower()
    return f"{number * {'k': 1, 'm': 1024, 'g': 1024 * 1024}[unit] // 1024 // 2}m"


def min_size(a: str, b: str) -> str:
    """The smaller of two JVM memory sizes.

    >>> min_size("2g", "512m"), min_size("256m", "512m")
    ('512m', '256m')
    """

    def mib(size: str) -> int:
        number, unit = int(size[:-1]), size[-1].lower()
        return number * {"k": 1, "m": 1024, "g": 1024 * 1024}[unit] // 1024

    return a if mib(a) <= mib(b) else b
