"""fundgraph."""
