"""Shared fixtures. Integration tests get a real Neo4j that the suite starts on a free port with its own data
directory (never the data of `make run`), using the jars `make neo4j` fetched into .neo4j/."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_TXT = ROOT / "data" / "plans" / "000_bc106945e02cee55.txt"
SEED_DOCX = ROOT / "tests" / "fixtures" / "000_bc106945e02cee55.docx"
SEED_XLSX = ROOT / "tests" / "fixtures" / "000_bc106945e02cee55.xlsx"
# The seed and other plans rendered by real tool chains (LibreOffice, pdftoppm, qpdf): tests/fixtures/formats/make.py
FORMATS = ROOT / "tests" / "fixtures" / "formats"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI (CI set, as .ci/run does) a test that would be skipped fails: a skipped test proves nothing."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {report.longrepr}"


@pytest.fixture(scope="session", autouse=True)
def _folders_of_the_suites_own(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The archive, the backups and the recipes of the suite's own, never the checkout's (a developer's recipes must
    not change a reading under test); a test that needs others sets them."""
    for name, folder in (
        ("FUNDGRAPH_ARCHIVE", "archive"),
        ("FUNDGRAPH_BACKUPS", "backups"),
        ("FUNDGRAPH_RECIPES", "recipes"),
    ):
        os.environ[name] = str(tmp_path_factory.mktemp(folder))


@pytest.fixture(autouse=True)
def _settings_read_afresh() -> Iterator[None]:
    """Settings are read once per process (fundgraph.config.get_settings); a test that sets the environment gets
    them read again."""
    from fundgraph.config import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in item.path.parts:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from fundgraph.localserver import LocalServer, fetch, free_port

    jars = ROOT / ".neo4j"
    fetch(jars)
    server = LocalServer(
        home=tmp_path_factory.mktemp("neo4j"), port=free_port(), jars=jars, heap="1g", pagecache="256m"
    )
    server.start(timeout=240)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def settings(neo4j_server: object) -> object:
    from fundgraph.config import Settings

    return Settings(
        NEO4J_URI=neo4j_server.uri,
        NEO4J_PASSWORD=neo4j_server.password(),  # type: ignore[attr-defined]
        FUNDGRAPH_NEO4J_HOME=neo4j_server.home,
    )  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def session_driver(settings: object) -> Iterator[object]:
    from fundgraph.graph.store import apply_schema, connect

    driver = connect(settings)  # type: ignore[arg-type]
    apply_schema(driver, "neo4j")
    yield driver
    driver.close()


@pytest.fixture()
def driver(session_driver: object) -> object:
    """The session's driver over an empty graph (schema kept)."""
    session_driver.execute_query("MATCH (n) DETACH DELETE n")  # type: ignore[attr-defined]
    return session_driver


# Debian's chromium, headless and quiet: without the background-networking flags it keeps trying to reach the network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture()
def cli_env(neo4j_server: object) -> dict[str, str]:
    return server_env(neo4j_server)


def server_env(neo4j_server: object) -> dict[str, str]:
    """This process's environment pointed at the suite's server, for commands run in a subprocess."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(
        {
            "NEO4J_URI": neo4j_server.uri,  # type: ignore[attr-defined]
            "NEO4J_PASSWORD": neo4j_server.password() or "",  # type: ignore[attr-defined]
            "FUNDGRAPH_NEO4J_HOME": str(neo4j_server.home),  # type: ignore[attr-defined]
        }
    )
    return env


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fundgraph", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def count_nodes(driver: object) -> int:
    records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")  # type: ignore[attr-defined]
    return int(records[0]["n"])
