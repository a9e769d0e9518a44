"""fundgraph: a graph knowledge base of public fund-allocation plans (资金分配方案) on Neo4j."""

__version__ = "0.1.0"
