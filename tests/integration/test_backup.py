"""Backup and restore on a Neo4j of the test's own (both stop its server): a store holding the seed and a generated
plan set comes back node for node and relationship for relationship, properties included; a damaged backup and a
restore over data without --replace are refused and change nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase

from fundgraph import loading
from fundgraph.backup import BackupRefused, backup, check, restore
from fundgraph.config import Settings, get_settings
from fundgraph.errors import ConfigError
from fundgraph.graph.archive import fetch
from fundgraph.localserver import LocalServer, free_port
from fundgraph.synth import generate, render_word_text
from tests.conftest import ROOT, SEED_TXT
from tests.integration.test_bulk import _dump


def _connect(server: LocalServer) -> Any:
    return GraphDatabase.driver(server.uri, auth=("neo4j", server.password() or ""))


@pytest.fixture()
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    local = LocalServer(home=tmp_path / "neo4j", port=free_port(), jars=ROOT / ".neo4j", heap="1g", pagecache="256m")
    recipes = tmp_path / "recipes"
    recipes.mkdir()
    (recipes / "a.yaml").write_text("table: 1\ncolumns: {name: 2, amount: 3}\nunit: 万元\n", encoding="utf-8")
    monkeypatch.setenv("FUNDGRAPH_RECIPES", str(recipes))
    monkeypatch.delenv("FUNDGRAPH_ARCHIVE", raising=False)  # each server's archive beside its data
    monkeypatch.setenv("FUNDGRAPH_ENTITY_DECISIONS", str(tmp_path / "decisions.yaml"))
    (tmp_path / "decisions.yaml").write_text("merge: []\n", encoding="utf-8")
    get_settings.cache_clear()
    local.start(timeout=240)
    try:
        yield local
    finally:
        local.stop()
        get_settings.cache_clear()


def _settings(server: LocalServer) -> Settings:
    return Settings(NEO4J_URI=server.uri, NEO4J_PASSWORD=server.password(), FUNDGRAPH_NEO4J_HOME=server.home)


def test_a_backup_restores_the_same_graph_and_files(server: LocalServer, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    for number, plan in enumerate(generate(120, seed=8), start=1):
        (plans / f"synth-{number:03d}.txt").write_text(render_word_text(plan), encoding="utf-8")
    driver = _connect(server)
    try:
        report = loading.load_paths(driver, [SEED_TXT, plans], workers=1, archived=_settings(server).archive_folder)
        assert not report.refused and len(report.loaded) > 5
        before = _dump(driver)
    finally:
        driver.close()
    settings = _settings(server)
    saved = tmp_path / "backup"
    manifest = backup(server, _connect, saved, settings)
    assert server.pid() is not None  # started again after the dump
    assert manifest.nodes["Project"] > 100 and manifest.relationships["ALLOCATES"] == manifest.nodes["Project"]
    assert {"files/entity_decisions.yaml", "files/recipes/a.yaml"} <= set(manifest.files)
    archived = sorted(name for name in manifest.files if name.startswith("files/archive/"))
    assert len(archived) == len({r.path for r in report.loaded})  # every document read, by its sha256
    assert json.loads((saved / "manifest.json").read_text(encoding="utf-8"))["neo4j"] == manifest.neo4j

    # A restore over data, without --replace, is refused and changes nothing.
    with pytest.raises(BackupRefused, match="--replace"):
        restore(server, _connect, saved, settings)
    driver = _connect(server)
    try:
        assert _dump(driver) == before
        with driver.session() as session:  # IN TRANSACTIONS needs an implicit transaction
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
    finally:
        driver.close()
    (tmp_path / "recipes" / "a.yaml").unlink()
    shutil.rmtree(settings.archive_folder)
    (tmp_path / "decisions.yaml").write_text("changed since\n", encoding="utf-8")

    restore(server, _connect, saved, settings)
    driver = _connect(server)
    try:
        after = _dump(driver)
    finally:
        driver.close()
    assert after[0] == before[0], "nodes differ"
    assert after[1] == before[1], "relationships differ"
    assert (tmp_path / "recipes" / "a.yaml").is_file()
    assert fetch(settings.archive_folder, hashlib.sha256(SEED_TXT.read_bytes()).hexdigest()) == SEED_TXT.read_bytes()
    assert (tmp_path / "decisions.yaml").read_text(encoding="utf-8") == "merge: []\n"

    # One byte changed anywhere: refused, naming the file, before anything is touched.
    dump = next((saved / "store").iterdir())
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0x01
    dump.write_bytes(bytes(data))
    with pytest.raises(BackupRefused, match=f"{dump.name} does not match its sha256"):
        check(saved)
    with pytest.raises(BackupRefused, match="sha256"):
        restore(server, _connect, saved, settings, replace=True)
    driver = _connect(server)
    try:
        assert _dump(driver) == before
    finally:
        driver.close()

    # A bulk load that replaces the store backs it up first; that backup restores the store it replaced.
    replaced = tmp_path / "before-bulk"
    result = loading.bulk_load(
        server,
        _connect,
        sorted(plans.iterdir())[:3],
        workers=1,
        replace=True,
        backup_into=replaced,
        archived=settings.archive_folder,
        settings=settings,
    )
    assert result.backup == str(replaced) and result.plans == 3
    restore(server, _connect, replaced, settings, replace=True)
    driver = _connect(server)
    try:
        assert _dump(driver) == before
    finally:
        driver.close()


def test_a_remote_store_is_refused_with_where_to_look(tmp_path: Path) -> None:
    remote = Settings(NEO4J_URI="neo4j+s://example.databases.neo4j.io")
    server = LocalServer(home=tmp_path)
    with pytest.raises(ConfigError, match="Aura"):
        backup(server, _connect, tmp_path / "b", remote)
    with pytest.raises(ConfigError, match="its own tooling"):
        restore(server, _connect, tmp_path / "b", remote)
