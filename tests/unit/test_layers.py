"""The package's floors, written once, and no import running back up them.

From the bottom: the foundations (errors, money, config, the Cypher policy …), the loaders, the graph's model (its
schema and the mapping from plans to elements), the graph's stores, the named queries, the audit, the application
(the loads, the prefetcher, the synthetic plans) and, at the top, the API, the CLI and the notebook facade. A module
may import from its own floor and the floors below. Every import counts: at the top of a module, inside a function
(lazy) or under ``TYPE_CHECKING``. Every module must be placed on a floor, so a new one is placed on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "fundgraph"

# (floor, module prefixes), bottom first. A prefix names a module and everything under it.
FLOORS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundations",
        (
            "fundgraph.version",
            "fundgraph.errors",
            "fundgraph.money",
            "fundgraph.config",
            "fundgraph.cypher_policy",
            "fundgraph.vocabularies",
            "fundgraph.jsonable",
            # The local server's files and processes: config and the Cypher policy, no graph.
            "fundgraph.localserver",
        ),
    ),
    ("loaders", ("fundgraph.loaders",)),
    ("graph model", ("fundgraph.graph.schema", "fundgraph.graph.elements")),
    (
        "graph stores",
        (
            "fundgraph.graph.spreadsheet",
            "fundgraph.graph.tallies",
            "fundgraph.graph.store",
            "fundgraph.graph.guard",
            "fundgraph.graph.bulk",
            "fundgraph.graph.nxsink",
            # The documents' bytes by doc_id: a store beside the graph's.
            "fundgraph.graph.archive",
        ),
    ),
    ("queries", ("fundgraph.queries",)),
    ("audit", ("fundgraph.audit",)),
    (
        "application",
        (
            "fundgraph.loading",
            "fundgraph.prefetch",
            "fundgraph.synth",
            "fundgraph.backup",
            "fundgraph.review",
            # A notice's chain and the money down it, for the API, the explorer and notebooks.
            "fundgraph.notices",
        ),
    ),
    ("interfaces", ("fundgraph.api", "fundgraph.cli", "fundgraph.__main__")),
]
# The package's own ``__init__`` is the notebook facade: it sits with the interfaces. Package docstrings only:
FACADE = "fundgraph"
DOCSTRING_ONLY = {"fundgraph.graph"}
# The graph's model may take the loaders' model and entities only, never their readers.
MODEL_FROM_LOADERS = ("fundgraph.loaders.model", "fundgraph.loaders.entities")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def floor_of(name: str) -> int:
    if name == FACADE:
        return len(FLOORS) - 1
    for index, (_, prefixes) in enumerate(FLOORS):
        if any(_within(name, prefix) for prefix in prefixes):
            return index
    raise LookupError(name)


def imports(name: str) -> list[tuple[int, str]]:
    """The fundgraph modules ``name`` imports, with their lines."""
    path = MODULES[name]
    return imports_in(path.read_text(encoding="utf-8"), name, is_package=path.name == "__init__.py")


def imports_in(source: str, name: str, *, is_package: bool = False) -> list[tuple[int, str]]:
    """Every import in ``source`` (module ``name``), wherever it stands; ``from a import b`` names ``a.b`` where
    that is a module, else ``a``."""
    tree = ast.parse(source)
    package = name if is_package else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((node.lineno, sub if sub in MODULES else base))
    return [(line, target) for line, target in found if _within(target, "fundgraph")]


def test_every_module_is_on_a_floor() -> None:
    unplaced = [name for name in MODULES if name not in DOCSTRING_ONLY and _unplaced(name)]
    assert not unplaced, f"place these modules on a floor in FLOORS: {unplaced}"


def _unplaced(name: str) -> bool:
    try:
        floor_of(name)
    except LookupError:
        return True
    return False


@pytest.mark.parametrize("name", sorted(set(MODULES) - DOCSTRING_ONLY))
def test_no_import_runs_up_the_floors(name: str) -> None:
    own = floor_of(name)
    upward = [
        f"{MODULES[name].relative_to(PACKAGE.parent)}:{line} imports {target} ({FLOORS[floor_of(target)][0]})"
        for line, target in imports(name)
        if target not in DOCSTRING_ONLY and floor_of(target) > own
    ]
    assert not upward, f"{name} ({FLOORS[own][0]}) imports from above: {upward}"


def test_the_graph_model_takes_only_the_loaders_model_and_entities() -> None:
    for name in MODULES:
        if FLOORS[floor_of(name) if name not in DOCSTRING_ONLY else 0][0] != "graph model":
            continue
        for line, target in imports(name):
            if _within(target, "fundgraph.loaders"):
                assert any(_within(target, allowed) for allowed in MODEL_FROM_LOADERS), f"{name}:{line} {target}"


def test_the_checker_sees_lazy_and_type_checking_imports() -> None:
    """The walk covers imports in functions and under TYPE_CHECKING, relative ones included."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from fundgraph.loading import Refused\n"
        "def f():\n    from fundgraph.queries import get_query\n    from . import tallies\n"
    )
    targets = {target for _, target in imports_in(source, "fundgraph.graph.store")}
    assert targets == {"fundgraph.loading", "fundgraph.queries", "fundgraph.graph.tallies"}
    store = floor_of("fundgraph.graph.store")
    assert floor_of("fundgraph.loading") > store and floor_of("fundgraph.queries") > store
