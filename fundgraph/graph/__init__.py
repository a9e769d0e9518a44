"""The graph: its schema and the mapping from plans to graph elements, then the stores that hold those elements.

Two floors, each importing only from the one below (and from errors, money, config and the loaders' model and
entities), never from the queries, the audit or the application that use them (tests/unit/test_layers.py):

- the model: ``schema.yaml`` and ``schema`` (labels, keys, relationships, constraints as data), ``elements`` (a parsed
  plan as backend-neutral nodes and edges with their keys and provenance, which every store takes);
- the stores: ``store`` (the Neo4j writer, reads with a time limit and row cap), ``guard`` (ad-hoc read-only Cypher),
  ``tallies`` (the summaries the writer keeps), ``bulk`` (neo4j-admin import files and the importer's call),
  ``nxsink`` (networkx graphs and exports) and ``spreadsheet`` (cells safe to open in a spreadsheet).

Labels and relationship types in the Cypher built here come from the schema, never from input.
"""
