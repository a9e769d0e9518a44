"""The reviewed reference data (YAML beside the package) and the user's review decisions, loaded once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fundgraph.config import get_settings, project_root
from fundgraph.loaders.entities.matcher import fold_key
from fundgraph.vocabularies import stated_roles

ROLES = stated_roles()


def _yaml(name: str) -> dict[str, Any]:
    text = resources.files("fundgraph.loaders").joinpath("reference", name).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True)
class Rename:
    old: str
    new: str
    date: str
    source: str


@dataclass
class OrgReference:
    canonical: dict[str, str] = field(default_factory=dict)  # folded name or alias -> canonical name
    kinds: dict[str, str] = field(default_factory=dict)  # canonical -> kind
    aliases: dict[str, list[str]] = field(default_factory=dict)  # canonical -> aliases
    renames: list[Rename] = field(default_factory=list)
    kind_by_suffix: list[tuple[str, str]] = field(default_factory=list)  # (suffix, kind), longest suffix first

    def resolve(self, name: str) -> str | None:
        return self.canonical.get(fold_key(name))

    def kind(self, canonical: str) -> str | None:
        if canonical in self.kinds:
            return self.kinds[canonical]
        return next((kind for suffix, kind in self.kind_by_suffix if canonical.endswith(suffix)), None)


@dataclass
class PlatformReference:
    canonical: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)  # canonical -> the region it is in, as named in the YAML
    generic_mentions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Vocabulary:
    services: dict[str, str]  # keyword -> service type
    role_words: dict[str, str]  # keyword -> role
    hosted_on_before: tuple[str, ...]
    before_windows: dict[str, int]  # role -> how near before the name its word must stand


@dataclass(frozen=True)
class Decisions:
    """What people decided in review: names merged into others, and pairs kept apart."""

    path: Path
    merge: dict[str, dict[str, str]]  # kind ("organizations" | "platforms") -> {name: into}
    apart: dict[str, set[frozenset[str]]]
    # Platforms found by their form that a person confirmed (a platform) or rejected (not one).
    confirmed: frozenset[str] = frozenset()
    rejected: frozenset[str] = frozenset()


def decisions_path() -> Path:
    return get_settings().entity_decisions or project_root() / "data" / "entity_decisions.yaml"


def load_decisions(path: Path | None = None) -> Decisions:
    path = path or decisions_path()
    data: dict[str, Any] = {}
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    merge: dict[str, dict[str, str]] = {}
    apart: dict[str, set[frozenset[str]]] = {}
    for kind in ("organizations", "platforms"):
        section = data.get(kind) or {}
        merge[kind] = {entry["name"]: entry["into"] for entry in section.get("merge") or []}
        apart[kind] = {frozenset(pair) for pair in section.get("apart") or []}
    platforms = data.get("platforms") or {}
    confirmed = frozenset(fold_key(n) for n in platforms.get("confirm") or [])
    rejected = frozenset(fold_key(n) for n in platforms.get("reject") or [])
    return Decisions(path, merge, apart, confirmed, rejected)


@dataclass(frozen=True)
class Reference:
    orgs: OrgReference
    platforms: PlatformReference
    vocabulary: Vocabulary
    decisions: Decisions


def _orgs(decisions: Decisions) -> OrgReference:
    data = _yaml("organizations.yaml")
    ref = OrgReference()
    for entry in data["organizations"]:
        name = entry["name"]
        ref.kinds[name] = entry["kind"]
        ref.aliases[name] = list(entry.get("aliases") or [])
        for alias in [name, *ref.aliases[name]]:
            ref.canonical.setdefault(fold_key(alias), name)
        if "renamed_to" in entry:
            rename = entry["renamed_to"]
            ref.renames.append(Rename(name, rename["name"], str(rename["date"]), rename["source"].strip()))
    for alias, into in decisions.merge["organizations"].items():
        target = ref.canonical.get(fold_key(into), into)
        ref.canonical[fold_key(alias)] = target
        ref.aliases.setdefault(target, []).append(alias)
    pairs = [(suffix, kind) for kind, suffixes in data["kind_by_suffix"].items() for suffix in suffixes]
    ref.kind_by_suffix = sorted(pairs, key=lambda pair: -len(pair[0]))
    return ref


def _platforms(decisions: Decisions) -> PlatformReference:
    data = _yaml("platforms.yaml")
    ref = PlatformReference(generic_mentions=frozenset(data.get("generic_mentions") or []))
    for entry in data["platforms"]:
        name = entry["name"]
        ref.aliases[name] = list(entry.get("aliases") or [])
        if entry.get("owner"):
            ref.owners[name] = entry["owner"]
        if entry.get("region"):
            ref.regions[name] = entry["region"]
        for alias in [name, *ref.aliases[name]]:
            ref.canonical.setdefault(fold_key(alias), name)
    for alias, into in decisions.merge["platforms"].items():
        target = ref.canonical.get(fold_key(into), into)
        ref.canonical[fold_key(alias)] = target
        ref.aliases.setdefault(target, []).append(alias)
    return ref


def _vocabulary() -> Vocabulary:
    data = _yaml("services.yaml")
    services = {word: service for service, words in data["services"].items() for word in words}
    roles = {word: role for role, words in data["roles"].items() for word in words}
    for role in roles.values():
        if role not in ROLES:
            raise ValueError(f"services.yaml names the unknown role {role!r}; roles are {', '.join(ROLES)}")
    windows = {str(role): int(n) for role, n in data.get("before_windows", {}).items()}
    for role in windows:
        if role not in ROLES:
            raise ValueError(f"services.yaml gives a window to the unknown role {role!r}; roles are {', '.join(ROLES)}")
    return Vocabulary(services, roles, tuple(data["hosted_on_before"]), windows)


@cache
def load_reference(decisions_file: str | None = None) -> Reference:
    decisions = load_decisions(Path(decisions_file) if decisions_file else None)
    return Reference(_orgs(decisions), _platforms(decisions), _vocabulary(), decisions)
