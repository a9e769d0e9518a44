"""Word-processor and spreadsheet formats fundgraph has no reader of its own for (.doc, .rtf, .odt, .wps; .ods,
.et), turned into .docx or .xlsx by LibreOffice headless and read by those readers.

Each conversion runs in a temporary directory with its own LibreOffice profile: two conversions at once (parallel
loads) would otherwise fight over one profile's lock, and one of them would fail or hang. A conversion that does not
finish in time is killed with its process group.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from fundgraph.errors import Location, ParseError

# What each format becomes: the readers' own formats.
CONVERTED = {".doc": "docx", ".rtf": "docx", ".odt": "docx", ".wps": "docx", ".ods": "xlsx", ".et": "xlsx"}
DEBIAN_PACKAGE = {"docx": "libreoffice-writer-nogui", "xlsx": "libreoffice-calc-nogui"}
TIMEOUT_S = 120.0


def soffice() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, path: str, *, timeout: float = TIMEOUT_S) -> tuple[bytes, str]:
    """The document as ``.docx`` or ``.xlsx`` bytes, and which of the two."""
    suffix = Path(path).suffix.lower()
    target = CONVERTED[suffix]
    command = soffice()
    if command is None:
        package = DEBIAN_PACKAGE[target]
        raise ParseError.of("needs_libreoffice", Location(path), suffix=suffix, package=package, target=target)
    with tempfile.TemporaryDirectory(prefix="fundgraph-convert-") as scratch:
        work = Path(scratch)
        source = work / f"document{suffix}"
        source.write_bytes(data)
        out = work / "out"
        args = [
            command,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=scratch
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            seconds = f"{timeout:.0f}"
            raise ParseError.of("conversion_timeout", Location(path), target=target, seconds=seconds) from None
        converted = out / f"document.{target}"
        if process.returncode != 0 or not converted.is_file():
            detail = stderr.decode("utf-8", "replace").strip().splitlines()
            raise ParseError.of(
                "conversion_failed",
                Location(path),
                target=target,
                exit=process.returncode,
                detail=": " + detail[-1] if detail else "",
                suffix=suffix,
            )
        return converted.read_bytes(), target
