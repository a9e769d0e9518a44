"""The vocabularies (platform roles, severities, kinds of node) are spelled once, in graph/schema.yaml; the copies
that cannot read it yet — the loaders' roles, the role lists in the .cypher files, the explorer's i18n — are held to
it here, so that a role added in one place and not the others fails."""

from __future__ import annotations

import re
from pathlib import Path

from fundgraph.audit.findings import RULE_SEVERITIES, SEVERITY_ORDER
from fundgraph.graph.schema import load_schema

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = load_schema()
ROLES = SCHEMA.vocabulary("roles")


def test_the_loaders_roles_are_the_schemas() -> None:
    from fundgraph.loaders.entities.reference import ROLES as read_roles

    # Every role a reader can give is a term; `mentioned` is the mapping's own (no role stated).
    assert set(read_roles) == set(ROLES) - {"mentioned"}


def test_the_role_lists_in_the_queries_are_the_services() -> None:
    services = list(SCHEMA.service_roles())
    lists = []
    for path in sorted((ROOT / "fundgraph" / "queries").rglob("*.cypher")):
        for found in re.findall(r"\[\s*('(?:\w+)'(?:\s*,\s*'\w+')*)\s*\]", path.read_text(encoding="utf-8")):
            words = re.findall(r"'(\w+)'", found)
            if set(words) & set(ROLES):
                lists.append((path.name, words))
    assert lists, "no role list found in the catalogue"
    assert all(words == services for _, words in lists), lists


def test_the_explorers_labels_are_the_schemas() -> None:
    text = (ROOT / "web" / "src" / "i18n.js").read_text(encoding="utf-8")
    zh, en = text.split("\n  en: {", 1)
    for language, block in (("zh", zh), ("en", en)):
        strings = dict(re.findall(r'^\s*"([\w.]+)": "(.*)",$', block, re.M))
        for vocabulary, prefix in (("roles", "role"), ("severities", "severity"), ("labels", "label")):
            for term, spec in SCHEMA.vocabulary(vocabulary).items():
                key = f"{prefix}.{term}"
                if key in strings:
                    assert strings[key] == spec[language], (language, key)
                else:
                    # The explorer names the roles a reader gives as the graph's; hosted_on and mentioned it has none.
                    assert vocabulary == "roles" and term in {"hosted_on", "mentioned"}, (language, key)


def test_the_findings_severities_are_the_schemas() -> None:
    assert list(SEVERITY_ORDER) == list(SCHEMA.vocabulary("severities"))
    assert {s for severities in RULE_SEVERITIES.values() for s in severities} <= set(SEVERITY_ORDER)


def test_the_vocabulary_labels_are_the_schemas_labels() -> None:
    shown = {label for label, node in SCHEMA.nodes.items() if not node.derived and label != "Alias"}
    assert set(SCHEMA.vocabulary("labels")) == shown
