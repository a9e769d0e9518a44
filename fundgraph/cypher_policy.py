"""What ad-hoc Cypher may call, read once from ``cypher_policy.yaml``: the guard checks statements against it and the
local server loads no plugin outside it.

>>> policy = load_policy()
>>> policy.function_allowed("apoc.coll.sum"), policy.function_allowed("apoc.cypher.runFirstColumnMany")
(True, False)
>>> policy.function_allowed("toLower"), policy.function_allowed("datetime.truncate")
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class CypherPolicy:
    procedures: frozenset[str]
    functions: tuple[str, ...]
    server_plugins: tuple[str, ...]
    never: tuple[str, ...]

    def function_allowed(self, name: str) -> bool:
        """A function without a namespace is Cypher's own (user-defined functions always have one); a namespaced
        one must match the allow-list and nothing in ``never``."""
        if "." not in name:
            return True
        return _matches(name, self.functions) and not _matches(name, self.never)

    def procedure_allowed(self, name: str) -> bool:
        return name in self.procedures and not _matches(name, self.never)

    @property
    def server_allowlist(self) -> str:
        """The value of ``dbms.security.procedures.allowlist``."""
        return ",".join(self.server_plugins)


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    lowered = name.lower()  # Neo4j resolves function names case-insensitively
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in patterns)


@cache
def load_policy() -> CypherPolicy:
    raw = yaml.safe_load(resources.files("fundgraph").joinpath("cypher_policy.yaml").read_text(encoding="utf-8"))
    return CypherPolicy(
        procedures=frozenset(raw["procedures"]),
        functions=tuple(raw["functions"]),
        server_plugins=tuple(raw["server_plugins"]),
        never=tuple(raw["never"]),
    )
