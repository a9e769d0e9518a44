"""Backup and restore of the whole knowledge base on the local server: the store (``neo4j-admin database dump``, the
server stopped around it, as a bulk load stops it), the entity decisions, the reading recipes and the archive of the
documents read, with a manifest of every file's sha256, the versions, and the nodes and relationships by label and
type.

A restore checks every sha256 before it touches anything, refuses a store that holds data unless told to replace
it, loads the dump, puts the files back, starts the server, applies the schema and compares the counts with the
manifest. A remote store (``neo4j://`` to a cluster or Aura) is backed up by its own tooling: both refuse it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import Driver

from fundgraph.config import Settings
from fundgraph.errors import ConfigError, FundgraphError, Neo4jUnavailable
from fundgraph.localserver import NEO4J_VERSION, LocalServer
from fundgraph.version import __version__

MANIFEST = "manifest.json"
DUMP_DIR = "store"
ADMIN_TIMEOUT_S = 3600
REMOTE = (
    "backup and restore work on the local server's files; NEO4J_URI ({uri}) is not on this machine. A remote store is "
    "backed up by its own tooling: `neo4j-admin database backup` on an Enterprise cluster, snapshots on Aura"
)


class BackupRefused(FundgraphError):
    """A backup folder that does not match its manifest, or a restore that would overwrite data unasked."""

    exit_code = 2


@dataclass
class Manifest:
    fundgraph: str
    neo4j: str
    database: str
    created: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # relative path -> sha256, bytes, role
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fundgraph": self.fundgraph,
            "neo4j": self.neo4j,
            "database": self.database,
            "created": self.created,
            "files": self.files,
            "nodes": self.nodes,
            "relationships": self.relationships,
        }


def counts(driver: Driver, database: str) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes by label and relationships by type."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label", database_=database
    )
    rels, _, _ = driver.execute_query(
        "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type", database_=database
    )
    return {r["label"]: r["n"] for r in nodes}, {r["type"]: r["n"] for r in rels}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_to_keep(settings: Settings) -> list[tuple[str, Path]]:
    """(the name in the backup, the file on this machine) for every file that is part of the knowledge base."""
    from fundgraph.loaders.entities.reference import decisions_path

    kept: list[tuple[str, Path]] = []
    decisions = decisions_path()
    if decisions.is_file():
        kept.append(("entity_decisions.yaml", decisions))
    if settings.recipes.is_dir():
        kept += [
            (f"recipes/{p.relative_to(settings.recipes)}", p)
            for p in sorted(settings.recipes.rglob("*"))
            if p.is_file()
        ]
    archive = settings.archive_folder
    if archive.is_dir():
        kept += [(f"archive/{p.relative_to(archive)}", p) for p in sorted(archive.glob("*/*.bin"))]
    return kept


def dated_folder(settings: Settings) -> Path:
    """A new folder for a backup taken before a store is replaced, named by the time."""
    return settings.backups_folder / time.strftime("%Y%m%d-%H%M%S")


def backup(
    server: LocalServer, driver_for: Callable[[LocalServer], Driver], target: Path, settings: Settings
) -> Manifest:
    """Write one folder: the store's dump, the entity decisions and recipes, and the manifest. The server is
    stopped for the dump and started again if it was running."""
    if not settings.is_local:
        raise ConfigError(REMOTE.format(uri=settings.neo4j_uri))
    if target.exists() and any(target.iterdir()):
        raise BackupRefused(f"{target} is not empty: a backup goes into a new folder")
    database = settings.neo4j_database
    running = server.pid() is not None
    if not running:
        server.start()
    driver = driver_for(server)
    try:
        nodes, relationships = counts(driver, database)
    finally:
        driver.close()
    (target / DUMP_DIR).mkdir(parents=True)
    server.stop()
    try:
        server.admin(
            "database",
            "dump",
            database,
            f"--to-path={target / DUMP_DIR}",
            "--overwrite-destination=true",
            timeout=ADMIN_TIMEOUT_S,
        )
    finally:
        if running:
            server.start()
    manifest = Manifest(__version__, NEO4J_VERSION, database, time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    for name, source in _files_to_keep(settings):
        copy = target / "files" / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        relative = str(path.relative_to(target))
        manifest.files[relative] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
    manifest.nodes, manifest.relationships = nodes, relationships
    (target / MANIFEST).write_text(
        json.dumps(manifest.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def check(source: Path) -> Manifest:
    """The manifest of a backup folder whose every file is there, unchanged; BackupRefused naming the first that
    is not, and any file the manifest does not list."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupRefused(f"{source} has no {MANIFEST}: not a fundgraph backup")
    raw = json.loads(path.read_text(encoding="utf-8"))
    manifest = Manifest(**raw)
    for relative, entry in manifest.files.items():
        file = source / relative
        if not file.is_file():
            raise BackupRefused(f"{file} is missing from the backup")
        if _sha256(file) != entry["sha256"]:
            raise BackupRefused(f"{file} does not match its sha256 in the manifest: the backup is damaged")
    listed = set(manifest.files) | {MANIFEST}
    extra = sorted(str(p.relative_to(source)) for p in source.rglob("*") if p.is_file())
    unlisted = [e for e in extra if e not in listed]
    if unlisted:
        raise BackupRefused(f"{source / unlisted[0]} is in the backup folder but not in its manifest")
    return manifest


def restore(
    server: LocalServer,
    driver_for: Callable[[LocalServer], Driver],
    source: Path,
    settings: Settings,
    *,
    replace: bool = False,
) -> Manifest:
    """Check the backup, then load it into the local store (refused over data unless ``replace``), put its files
    back, start the server, apply the schema and compare the counts with the manifest."""
    from fundgraph.graph.store import apply_schema

    if not settings.is_local:
        raise ConfigError(REMOTE.format(uri=settings.neo4j_uri))
    manifest = check(source)
    database = settings.neo4j_database
    if server.pid() is None:
        server.start()
    driver = driver_for(server)
    try:
        held = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database).records[0]["n"]
    finally:
        driver.close()
    if held and not replace:
        raise BackupRefused(
            f"the store holds {held:,} nodes; restoring replaces them: pass --replace (and back them up first)"
        )
    server.stop()
    try:
        server.admin(
            "database",
            "load",
            database,
            f"--from-path={source / DUMP_DIR}",
            "--overwrite-destination=true",
            timeout=ADMIN_TIMEOUT_S,
        )
    finally:
        server.start()
    for name, target in _restore_targets(manifest, settings):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, target)
    driver = driver_for(server)
    try:
        apply_schema(driver, database)
        nodes, relationships = counts(driver, database)
    finally:
        driver.close()
    if (nodes, relationships) != (manifest.nodes, manifest.relationships):
        raise Neo4jUnavailable(
            f"the restored store's counts differ from the backup's manifest: nodes {nodes} against "
            f"{manifest.nodes}, relationships {relationships} against {manifest.relationships}"
        )
    return manifest


def _restore_targets(manifest: Manifest, settings: Settings) -> list[tuple[str, Path]]:
    from fundgraph.loaders.entities.reference import decisions_path

    targets = []
    for name in manifest.files:
        if name == "files/entity_decisions.yaml":
            targets.append((name, decisions_path()))
        elif name.startswith("files/recipes/"):
            targets.append((name, settings.recipes / name.removeprefix("files/recipes/")))
        elif name.startswith("files/archive/"):
            targets.append((name, settings.archive_folder / name.removeprefix("files/archive/")))
    return targets
