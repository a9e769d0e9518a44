"""Neo4j I/O: the writer and the reads with a time limit and row cap (store), the guard on ad-hoc Cypher (guard), and
the networkx sink and exports (nxsink). Labels and types in the Cypher built here come from the schema."""
