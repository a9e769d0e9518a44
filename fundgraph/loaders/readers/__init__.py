"""Readers: one module per format, each turning bytes into a :class:`~fundgraph.loaders.cells.RawDocument`."""

# Scans' suffixes, here rather than in the OCR reader so that knowing them does not load OpenCV and Tesseract.
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"})
