"""The schema as data, and the named-query catalogue checked against it (drift fails here)."""

from __future__ import annotations

import re

import pytest

from fundgraph.errors import BadParameter, SchemaError
from fundgraph.graph.elements import Edge, GraphElements, Node, check_against_schema, plan_elements
from fundgraph.graph.schema import load_schema
from fundgraph.loaders import parse_path
from fundgraph.queries import catalogue, get_query
from tests.conftest import SEED_TXT

_LABEL = re.compile(r"\(\s*\w*\s*:\s*([A-Z]\w*)")
_REL_TYPES = re.compile(r"\[\s*\w*\s*:\s*([A-Z_|]+)")


def test_every_node_has_a_unique_constraint_and_one_fulltext_index() -> None:
    schema = load_schema()
    ddl = schema.ddl()
    for node in schema.nodes.values():
        assert any(f"FOR (n:{node.label}) REQUIRE n.{node.key} IS UNIQUE" in s for s in ddl)
    [fulltext] = [s for s in ddl if "FULLTEXT" in s]
    assert "'cjk'" in fulltext and "Organization" in fulltext


def test_seed_elements_match_the_schema() -> None:
    elements = plan_elements(parse_path(SEED_TXT))
    check_against_schema(elements)
    labels = {n.label for n in elements.nodes}
    schema = load_schema()
    placeholders = {r.placeholder for r in schema.relationships.values() if r.placeholder}  # the writers' own
    assert labels == set(schema.nodes) - set(schema.derived_labels()) - placeholders
    column_orgs = {e.start for e in elements.edges if e.type in {"APPLIED_FOR", "IMPLEMENTS"}}
    assert len(column_orgs) == 7
    assert sum(1 for e in elements.edges if e.type == "IMPLEMENTS") == 11


def test_undeclared_labels_and_properties_are_refused() -> None:
    with pytest.raises(SchemaError, match="not a label"):
        check_against_schema(GraphElements("p", "v", "d", nodes=[Node("Person", "x")]))
    with pytest.raises(SchemaError, match="does not declare"):
        check_against_schema(GraphElements("p", "v", "d", nodes=[Node("Plan", "x", {"colour": "red"})]))
    with pytest.raises(SchemaError, match="not a relationship type"):
        check_against_schema(GraphElements("p", "v", "d", edges=[Edge("OWNS", "a", "b")]))
    # The Alias index is the store's to keep: elements that carry it would bypass the writer's upkeep.
    with pytest.raises(SchemaError, match="kept by the store"):
        check_against_schema(GraphElements("p", "v", "d", nodes=[Node("Alias", "中小融")]))
    with pytest.raises(SchemaError, match="kept by the store"):
        check_against_schema(GraphElements("p", "v", "d", edges=[Edge("NAMES_PLATFORM", "中小融", "x")]))


def test_entity_lookups_are_one_fragment_of_index_seeks() -> None:
    # The four lookups by name share one text, and none tests `$x IN n.aliases` (a scan of every node of a label).
    for name in ("graph", "neighbourhood", "path", "organization_profile", "platform_profile"):
        cypher = catalogue()[name].cypher
        assert "IN start.aliases" not in cypher and ".aliases RETURN" not in cypher, name
        assert "Alias {name:" in cypher, name
    assert catalogue()["path"].cypher.count("USING INDEX a_alias:Alias(name)") == 1
    assert catalogue()["path"].cypher.count("USING INDEX b_alias:Alias(name)") == 1


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_catalogue_queries_name_only_schema_labels_and_types(name: str) -> None:
    schema = load_schema()
    query = catalogue()[name]
    assert query.description and query.mode == "read"
    for label in _LABEL.findall(query.cypher):
        assert label in schema.nodes, f"{name} names unknown label {label}"
    for group in _REL_TYPES.findall(query.cypher):
        for rel_type in group.split("|"):
            assert rel_type in schema.relationships, f"{name} names unknown type {rel_type}"
    for param in query.params:
        assert f"${param.name}" in query.cypher, f"{name} declares {param.name} but never uses it"
    used = set(re.findall(r"\$(\w+)", query.cypher))
    assert used <= {p.name for p in query.params}, f"{name} uses undeclared parameters"


def test_parameters_are_typed() -> None:
    query = get_query("concentration")
    assert query.bind({"year": "2024"})["year"] == 2024
    with pytest.raises(BadParameter, match="must be int"):
        query.bind({"year": "last year"})
    with pytest.raises(BadParameter, match="has no parameter"):
        query.bind({"colour": "red"})
    assert query.bind({"split": "none"})["split"] == "none"  # a value, not null
    assert query.bind({"year": "null"})["year"] is None


def test_the_tallies_name_only_schema_labels_and_types() -> None:
    """The tallies build their statements from their own kinds: every label and type in them is the schema's, and the
    tally labels are kept by the store, never graph elements."""
    import re

    from fundgraph.graph import tallies
    from fundgraph.graph.schema import load_schema

    schema = load_schema()
    for kind in tallies.KINDS:
        assert kind.label in schema.derived_labels()
        assert kind.subject_key in {node.key for node in schema.nodes.values()}
        for statement in (
            tallies._apply_statement(kind),
            tallies._refill_statement(kind),
            tallies._drop_empty_statement(kind),
            tallies._REGROUP,
        ):
            for label in re.findall(r"\(\w*:(\w+)", statement):
                assert label in schema.nodes, (kind.label, label)
            for rel_type in re.findall(r"\[\w*:([\w|]+)", statement):
                assert set(rel_type.split("|")) <= schema.relationships.keys(), (kind.label, rel_type)
