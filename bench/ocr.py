"""The OCR engines side by side (``make bench-ocr``): every scan of the bench set read by each engine and compared
with the plan read from its text. Per engine: 序号 exact, amounts exact, names exact (project and implementer),
totals reconciled (stated = computed), seconds a page. Not part of ``make test``: it takes minutes.

The scans: the committed ones (tests/fixtures/formats/seed-scan.pdf, other-scan.pdf) and ones made here from
the committed text-layer PDF of the generated plan (other.pdf) rendered by pdfium, as a scanner would: 150 and
300 dpi, skewed by 1.5°, and JPEG-compressed hard (quality 25). ``python -m bench.ocr [ENGINE ...]``; the table
goes to stdout and to bench/results/ocr.md.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from fundgraph.errors import ParseError
from fundgraph.loaders import parse_path
from fundgraph.loaders.model import Plan
from fundgraph.loaders.readers import ocr

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ROOT / "tests" / "fixtures" / "formats"
SEED_TXT = ROOT / "data" / "plans" / "000_bc106945e02cee55.txt"


def made_scans(scratch: Path) -> Iterator[tuple[str, Path, Path]]:
    """(label, scan, its text) for the generated plan rendered as a scanner would, one way each."""
    text = FORMATS / "other.txt"
    for dpi, angle, quality in ((150, 0.4, 80), (300, -0.5, 80), (200, 1.5, 80), (200, 0.3, 25)):
        import pdfplumber

        with pdfplumber.open(FORMATS / "other.pdf") as pdf:
            rendered = [page.to_image(resolution=dpi).original.convert("L") for page in pdf.pages]
        rng = np.random.default_rng(dpi)
        pages = []
        for page in rendered:
            image = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
            image = image.filter(ImageFilter.GaussianBlur(0.6 * dpi / 200))
            pixels = np.asarray(image).astype(np.int16) + rng.normal(0, 8, (image.height, image.width))
            pages.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
        scan = scratch / f"other-{dpi}dpi-skew{angle}-q{quality}.pdf"
        pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=float(dpi), quality=quality)
        yield scan.stem, scan, text


def scans(scratch: Path) -> list[tuple[str, Path, Path]]:
    committed = [("seed-scan", FORMATS / "seed-scan.pdf", SEED_TXT), ("other-scan", FORMATS / "other-scan.pdf",
                 FORMATS / "other.txt")]  # fmt: skip
    return [*committed, *made_scans(scratch)]


def _pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def score(scan: Plan | None, text: Plan) -> dict[str, int]:
    n = len(text.projects)
    if scan is None:
        return {"rows": n, "seq": 0, "amount": 0, "name": 0, "total": 0}
    pairs = list(zip(scan.projects, text.projects, strict=False))
    same = lambda a, b: (a or "").replace(" ", "") == (b or "").replace(" ", "")  # noqa: E731
    return {
        "rows": n,
        "seq": sum(a.seq == b.seq for a, b in pairs) if len(scan.projects) == n else 0,
        "amount": sum(a.amount == b.amount for a, b in pairs) if len(scan.projects) == n else 0,
        "name": sum(same(a.name, b.name) and same(a.implementer, b.implementer) for a, b in pairs),
        "total": int(scan.stated_total is not None and scan.stated_total == scan.computed_total == text.stated_total),
    }


def main(engines: list[str]) -> int:
    lines = ["| engine | scan | 序号 exact | amounts exact | names exact | total reconciled | s/page |",
             "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    sums: dict[str, dict[str, float]] = {}
    started, load = time.strftime("%Y-%m-%d %H:%M"), os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as name:
        for label, path, text_path in scans(Path(name)):
            text = parse_path(text_path)
            pages = _pages(path)
            for engine in engines:
                os.environ["FUNDGRAPH_OCR"] = engine
                start = time.perf_counter()
                try:
                    plan: Plan | None = parse_path(path)
                except ParseError as exc:
                    print(f"{engine} {label}: refused: {exc}", file=sys.stderr)
                    plan = None
                seconds = (time.perf_counter() - start) / pages
                s = score(plan, text)
                total = sums.setdefault(engine, {"rows": 0, "seq": 0, "amount": 0, "name": 0, "total": 0, "scans": 0,
                                                  "seconds": 0.0, "pages": 0})  # fmt: skip
                for key, value in s.items():
                    total[key] += value
                total["scans"] += 1
                total["seconds"] += seconds * pages
                total["pages"] += pages
                n = s["rows"]
                row = (f"| {engine} | {label} | {s['seq']}/{n} | {s['amount']}/{n} | {s['name']}/{n} | "
                       f"{'yes' if s['total'] else 'no'} | {seconds:.1f} |")  # fmt: skip
                lines.append(row)
                print(row, flush=True)
    for engine, t in sums.items():
        n = int(t["rows"])
        lines.append(
            f"| **{engine}** | all {int(t['scans'])} scans | {int(t['seq'])}/{n} | {int(t['amount'])}/{n} | "
            f"{int(t['name'])}/{n} ({100 * t['name'] / n:.0f}%) | {int(t['total'])}/{int(t['scans'])} | "
            f"{t['seconds'] / t['pages']:.1f} |"
        )
    table = "\n".join(lines)
    print(table)
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    header = (
        f"`make bench-ocr` ({' '.join(engines)}), {started} UTC: {platform.machine()}, "
        f"{os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}; load average "
        f"{load:.1f} at the start (seconds a page are wall time on a shared machine)."
    )
    (ROOT / "bench" / "results" / "ocr.md").write_text(header + "\n\n" + table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(ocr.ENGINES)))
