"""How a corrupt Office file (.docx, .xlsx: a zip of XML parts) fails inside the libraries that read it."""

from __future__ import annotations

import zipfile
import zlib
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


def describe_corruption(exc: BaseException) -> str:
    """What went wrong, in words a user can act on.

    >>> describe_corruption(zipfile.BadZipFile("File is not a zip file"))
    'it is not a complete zip archive (cut short, or not an Office file at all)'
    """
    if isinstance(exc, zipfile.BadZipFile | EOFError | zlib.error):
        return "it is not a complete zip archive (cut short, or not an Office file at all)"
    if isinstance(exc, etree.XMLSyntaxError | ElementTree.ParseError):
        return f"a part of it is not well-formed XML ({exc})"
    if isinstance(exc, KeyError | PackageNotFoundError):
        return f"a part it needs is missing ({exc})"
    return f"{type(exc).__name__}: {exc}"
