"""Settings from the environment (``NEO4J_URI`` ...), defaulting to the local server that ``fundgraph neo4j`` runs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BOLT_PORT = 7687
# db.memory.transaction.max of the local server: docs/security.md gives the measured peaks it is sized from.
DEFAULT_TRANSACTION_MEMORY = "1g"


@dataclass(frozen=True)
class Limits:
    """How long a read may run and how many rows it may fetch (the rows past the cap are cut off, and the answer
    says so), and the size in bytes (about their JSON) past which an answer is refused: the row cap alone lets one
    row carry 38 MB (`RETURN range(1, 5000000)`)."""

    timeout_s: float = 30.0
    row_cap: int = 10_000
    byte_cap: int = 10 * 2**20


# The one set of limits for the named queries and reads, the same from the CLI, the API and notebooks.
LIMITS = Limits()


def project_root() -> Path:
    """The checkout this package runs from (editable install), else the working directory."""
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").is_file() and (here / "neo4j" / "pom.xml").is_file():
        return here
    return Path.cwd()


def default_neo4j_home() -> Path:
    return Path(os.environ.get("FUNDGRAPH_NEO4J_HOME", project_root() / ".neo4j"))


class Settings(BaseSettings):
    """Connection settings; the same code serves ``bolt://`` to the local server and ``neo4j://`` to a cluster."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    neo4j_uri: str = Field(default=f"bolt://127.0.0.1:{DEFAULT_BOLT_PORT}", alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")
    neo4j_home: Path = Field(default_factory=default_neo4j_home, alias="FUNDGRAPH_NEO4J_HOME")
    # Where the Neo4j jars are (lib/, plugins/), when not in the server's home (a bench's or a test's server).
    neo4j_jars: Path | None = Field(default=None, alias="FUNDGRAPH_NEO4J_JARS")
    # The local server's memory.
    neo4j_heap: str = Field(default="2g", alias="FUNDGRAPH_NEO4J_HEAP")
    neo4j_pagecache: str = Field(default="1g", alias="FUNDGRAPH_NEO4J_PAGECACHE")
    neo4j_transaction_memory: str = Field(default=DEFAULT_TRANSACTION_MEMORY, alias="FUNDGRAPH_NEO4J_TX_MEMORY")
    # The HTTP API: keys ("name:role:key", comma-separated, or a file of them), ad-hoc Cypher limits, CORS.
    api_keys: str = Field(default="", alias="FUNDGRAPH_API_KEYS")
    api_keys_file: Path | None = Field(default=None, alias="FUNDGRAPH_API_KEYS_FILE")
    cypher_timeout: float = Field(default=10.0, alias="FUNDGRAPH_CYPHER_TIMEOUT")
    cypher_row_cap: int = Field(default=1000, alias="FUNDGRAPH_CYPHER_ROW_CAP")
    cypher_byte_cap: int = Field(default=LIMITS.byte_cap, alias="FUNDGRAPH_CYPHER_BYTE_CAP")
    # The longest ad-hoc statement and the largest request body the API reads (before checking the key).
    cypher_max_query: int = Field(default=100_000, alias="FUNDGRAPH_CYPHER_MAX_QUERY")
    max_request_bytes: int = Field(default=2**20, alias="FUNDGRAPH_MAX_REQUEST_BYTES")
    cors_origins: str = Field(default="", alias="FUNDGRAPH_CORS_ORIGINS")
    # The loaders: the largest document read, and where review decisions are kept.
    max_document_mb: float = Field(default=64.0, alias="FUNDGRAPH_MAX_DOCUMENT_MB")
    entity_decisions: Path | None = Field(default=None, alias="FUNDGRAPH_ENTITY_DECISIONS")
    # The archive of every document a load saw, by sha256 (fundgraph.archive); see archive_folder for the default.
    archive: Path | None = Field(default=None, alias="FUNDGRAPH_ARCHIVE")
    # Where `load --bulk --replace` backs up the store it replaces (fundgraph.backup): a dated folder in it.
    backups: Path | None = Field(default=None, alias="FUNDGRAPH_BACKUPS")
    # Reading recipes (fundgraph.loaders.recipes), found by the document's sha256.
    recipes: Path = Field(default_factory=lambda: project_root() / "data" / "recipes", alias="FUNDGRAPH_RECIPES")
    # The language of the CLI's findings and problems (fundgraph.vocabularies.render): en or zh.
    # Not `lang` or `language`: with populate_by_name the field's own name is read too, and LANG and LANGUAGE are
    # the locale's.
    message_language: Literal["en", "zh"] = Field(default="en", alias="FUNDGRAPH_LANG")

    @property
    def password(self) -> str | None:
        """The explicit password, else the one generated for the local server (kept under ``.neo4j/``)."""
        if self.neo4j_password is not None:
            return self.neo4j_password
        stored = self.neo4j_home / "password"
        return stored.read_text(encoding="utf-8").strip() if stored.is_file() else None

    @property
    def archive_folder(self) -> Path:
        """The archive: FUNDGRAPH_ARCHIVE, else beside the local server's data (a remote store: data/archive in the
        checkout, since the server's machine is not this one)."""
        if self.archive is not None:
            return self.archive
        return self.neo4j_home / "archive" if self.is_local else project_root() / "data" / "archive"

    @property
    def backups_folder(self) -> Path:
        """FUNDGRAPH_BACKUPS, else beside the local server's data."""
        return self.backups if self.backups is not None else self.neo4j_home / "backups"

    @property
    def bolt_port(self) -> int:
        return urlsplit(self.neo4j_uri).port or DEFAULT_BOLT_PORT

    @property
    def is_local(self) -> bool:
        """True when the URI names this machine, so ``fundgraph neo4j start`` serves it."""
        host = urlsplit(self.neo4j_uri).hostname or ""
        return host in {"localhost", "::1"} or host.startswith("127.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
