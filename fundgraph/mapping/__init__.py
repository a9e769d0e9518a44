"""Pure mapping, no I/O: the graph schema as data (schema.yaml) and a parsed plan's graph elements (nodes and edges
with their keys and provenance), which any sink takes — the Neo4j writer, networkx, a bulk import."""
