"""The vocabularies (platform roles, severities, kinds of node, the findings' rules) are spelled once, in
fundgraph/vocabularies.yaml. Every reader of a term takes it from there; the one copy that must stand in its own file
— a .cypher file's parameter default, so that the file runs unchanged in Neo4j Browser — is held to it here, and the
explorer and the bodies of the queries are checked never to retype a term."""

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


def test_a_query_takes_its_roles_as_a_parameter_whose_default_is_the_services() -> None:
    from fundgraph.queries import catalogue
    from fundgraph.vocabularies import hosting_role

    defaults = {
        (query.name, param.name): param.default
        for query in catalogue().values()
        for param in query.params
        if set(param.default if isinstance(param.default, list) else [param.default]) & set(ROLES)
    }
    assert defaults == {
        ("duplicate_service", "service_roles"): list(SCHEMA.service_roles()),
        ("concentration", "hosting_role"): hosting_role(),
        ("platforms_shared_by_projects", "hosting_role"): hosting_role(),
    }


def test_no_query_body_retypes_a_role() -> None:
    for path in [*(ROOT / "fundgraph" / "queries").rglob("*.cypher"), ROOT / "fundgraph" / "graph" / "tallies.py"]:
        body = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("//"))
        quoted = set(re.findall(r"'(\w+)'", body))
        assert not quoted & set(ROLES), (path.name, quoted & set(ROLES))


def test_the_explorer_takes_its_labels_from_the_schema_endpoint() -> None:
    for path in sorted((ROOT / "web" / "src").rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        for vocabulary, prefix in (
            ("roles", "role"),
            ("severities", "severity"),
            ("labels", "label"),
            ("statuses", "status"),
            ("readers", "read_by"),
        ):
            for term in SCHEMA.vocabulary(vocabulary):
                assert f'"{prefix}.{term}"' not in text, (path.name, f"{prefix}.{term}")
        for name in ("rules", "statuses", "readers"):
            for term, spec in SCHEMA.vocabulary(name).items():
                assert spec["zh"] not in text, (path.name, term)


def test_the_rules_are_the_vocabularys_in_its_order() -> None:
    from fundgraph.audit.findings import RULES

    assert list(RULES) == list(SCHEMA.vocabulary("rules"))


def test_the_findings_severities_are_the_schemas() -> None:
    assert list(SEVERITY_ORDER) == list(SCHEMA.vocabulary("severities"))
    assert {s for severities in RULE_SEVERITIES.values() for s in severities} <= set(SEVERITY_ORDER)


def test_the_vocabulary_labels_are_the_schemas_labels() -> None:
    shown = {label for label, node in SCHEMA.nodes.items() if not node.derived and label != "Alias"}
    assert set(SCHEMA.vocabulary("labels")) == shown
