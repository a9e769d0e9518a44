"""The archive of what was read: every document a load sees (refused ones too), kept by the sha256 of its bytes —
its ``doc_id`` — so that every number's cited cell can be looked at in its source.

Files live at ``ARCHIVE/ab/abcdef….bin`` (two hex digits a folder); a file is written once, atomically, and checked
against its name when read. Nothing here takes a path from a request: a caller names a document by its doc_id.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> doc_id = keep(folder, b"plan")
>>> fetch(folder, doc_id)
b'plan'
>>> fetch(folder, "../etc/passwd") is None
True
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_DOC_ID = re.compile(r"[0-9a-f]{64}")
# What a document's bytes are served as, by the suffix it was loaded from.
CONTENT_TYPES = {
    ".txt": "text/plain; charset=utf-8",
    ".text": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".html": "text/plain; charset=utf-8",  # shown as its source, never rendered on our origin
    ".htm": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"


def location(folder: Path, doc_id: str) -> Path | None:
    """Where a document's bytes are kept; None for anything that is not a sha256."""
    if not _DOC_ID.fullmatch(doc_id):
        return None
    return folder / doc_id[:2] / f"{doc_id}.bin"


def keep(folder: Path, data: bytes) -> str:
    """Keep ``data`` (once) and return its doc_id."""
    doc_id = hashlib.sha256(data).hexdigest()
    target = location(folder, doc_id)
    assert target is not None
    if target.is_file():
        return doc_id
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, prefix=".incoming-") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, target)
    return doc_id


def keep_file(folder: Path, path: Path, doc_id: str | None = None) -> str | None:
    """Keep a file's bytes; its doc_id, or None when it cannot be read or no longer has the doc_id it was read with
    (changed since: the load that read it refuses it anyway)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if doc_id is not None and hashlib.sha256(data).hexdigest() != doc_id:
        return None
    return keep(folder, data)


def fetch(folder: Path, doc_id: str) -> bytes | None:
    """A kept document's bytes, checked against its doc_id; None when not kept (or damaged)."""
    target = location(folder, doc_id)
    if target is None or not target.is_file():
        return None
    data = target.read_bytes()
    return data if hashlib.sha256(data).hexdigest() == doc_id else None


def content_type(path: str | None) -> str:
    return CONTENT_TYPES.get(Path(path or "").suffix.lower(), DEFAULT_CONTENT_TYPE)
