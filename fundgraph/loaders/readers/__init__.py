"""Readers: one module per format, each turning bytes into a :class:`~fundgraph.loaders.cells.RawDocument`."""
