"""Parsing A/B: the corpus read by this checkout and by another (an earlier commit's worktree), in turns, in one
sitting — this machine's speed drifts by a third within an hour, so only a ratio taken this way means anything.

    git worktree add --detach /tmp/base COMMIT
    .venv/bin/python -m bench.parse_ab /tmp/base [CORPUS] [ROUNDS]

Each side runs in its own process with its checkout first on PYTHONPATH, reads every file of the corpus once to warm
up, then reports the best of five passes, its caches cleared before each pass (a folder's documents share header
words, but no pass may live off the one before). Refusals count as reads: they are part of the work.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PASS = """
import sys, time
from pathlib import Path
from fundgraph.loaders import parse_plans, roles
files = sorted(p for p in Path(sys.argv[1]).iterdir() if p.name[:1].isdigit())
def once():
    for name in ("fold", "role_of"):
        clear = getattr(getattr(roles, name), "cache_clear", None)
        if clear:
            clear()
    start = time.perf_counter()
    for f in files:
        try:
            parse_plans(f, accept_unverified=True)
        except Exception:
            pass
    return time.perf_counter() - start
once()
print(min(once() for _ in range(5)))
"""


def best_pass(checkout: Path, corpus: Path) -> float:
    with tempfile.TemporaryDirectory() as recipes:  # scores count automatic readings only
        env = {**os.environ, "PYTHONPATH": str(checkout), "FUNDGRAPH_RECIPES": recipes}
        out = subprocess.run(
            [sys.executable, "-c", _PASS, str(corpus)], env=env, cwd=recipes, check=True, capture_output=True, text=True
        )
    return float(out.stdout.strip())


def main(argv: list[str]) -> None:
    base = Path(argv[0]).resolve()
    corpus = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "data" / "corpus"
    rounds = int(argv[2]) if len(argv) > 2 else 4
    pairs = [(best_pass(base, corpus), best_pass(ROOT, corpus)) for _ in range(rounds)]
    for a, b in pairs:
        print(f"base {a * 1000:.0f} ms  this {b * 1000:.0f} ms  ratio {b / a:.2f}")
    a, b = min(p[0] for p in pairs), min(p[1] for p in pairs)
    files = sum(1 for p in corpus.iterdir() if p.name[:1].isdigit())
    print(f"best: base {a * 1000:.0f} ms, this {b * 1000:.0f} ms, ratio {b / a:.2f} ({files} documents)")


if __name__ == "__main__":
    main(sys.argv[1:])
