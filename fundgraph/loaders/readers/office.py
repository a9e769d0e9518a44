"""How a corrupt Office file (.docx, .xlsx: a zip of XML parts) fails inside the libraries that read it."""

from __future__ import annotations

import zipfile
import zlib
from typing import Any
from xml.etree import ElementTree

from docx.opc.exceptions import PackageNotFoundError
from lxml import etree
from openpyxl.utils.exceptions import InvalidFileException

# A broken or cut zip, a damaged stream, unparsable or missing XML parts, values a part cannot hold.
CORRUPT_OFFICE_FILE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,  # openpyxl: "File contains no valid workbook part"
    KeyError,
    ValueError,
    etree.XMLSyntaxError,
    ElementTree.ParseError,  # openpyxl reads parts with the standard library's parser
    PackageNotFoundError,
    InvalidFileException,
)


def corruption(exc: BaseException) -> dict[str, Any]:
    """What went wrong, in words a user can act on: a message (``why_*`` in vocabularies.yaml).

    >>> from fundgraph.vocabularies import render
    >>> render(**corruption(zipfile.BadZipFile("File is not a zip file")))
    'it is not a complete zip archive (cut short, or not an Office file at all)'
    """
    if isinstance(exc, zipfile.BadZipFile | EOFError | zlib.error):
        return {"code": "why_zip_cut", "args": {}}
    if isinstance(exc, etree.XMLSyntaxError | ElementTree.ParseError):
        return {"code": "why_xml_broken", "args": {"detail": str(exc)}}
    if isinstance(exc, KeyError | PackageNotFoundError):
        return {"code": "why_part_missing", "args": {"detail": str(exc)}}
    return {"code": "why_error", "args": {"error": type(exc).__name__, "detail": str(exc)}}
