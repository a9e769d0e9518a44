"""fundgraph benchmarks: `make bench SIZE=1k|10k|100k|1m` (never part of `make test`).

Generates a corpus into a temporary directory, starts its own Neo4j there, and measures, in one run:
parse throughput; end-to-end load (parse, extraction, write) with the loader's peak memory; the write phase alone
(graph elements already built) against a naive loader (one MERGE per node and edge) and Neo4j's own LOAD CSV writing
the same graph; the cost of reloading unchanged documents; query latencies through the driver and through HTTP; HTTP
throughput against the raw driver at a fixed concurrency; export to networkx. Results go to bench/results/SIZE.json
and docs/benchmarks.md. Ratios are between runs on the same machine in the same process; lone times are indicative.
"""

from __future__ import annotations

import collections
import csv
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadtest import start_server  # noqa: E402
from fundgraph import loading  # noqa: E402
from fundgraph.config import Settings  # noqa: E402
from fundgraph.graph.elements import GraphElements, plan_elements  # noqa: E402
from fundgraph.graph.schema import load_schema  # noqa: E402
from fundgraph.graph.store import apply_schema, connect, write_plan  # noqa: E402
from fundgraph.loaders import parse_bytes  # noqa: E402
from fundgraph.localserver import LocalServer, free_port  # noqa: E402
from fundgraph.queries import get_query, run_page, run_query  # noqa: E402
from fundgraph.synth import generate, render_word_text  # noqa: E402

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
NAIVE_LIMIT = 2_000  # projects the naive loader is run on (about 14/s here; the ratio is per project)
BULK_ONLY = os.environ.get("BENCH_LOADS") == "bulk"
KEEP_ELEMENTS_LIMIT = 100_000  # above this the write-phase comparisons use the first 100k projects
# Lookups find one entity and its facts (a typical organisation, a project by key, a search, the explorer's graph of a
# project); a hub's profile (the provincial bureau in a quarter of all projects) adds up money over all its projects.
FIXED_QUERIES: list[tuple[str, str, dict[str, Any]]] = [
    ("hub profile", "organization_profile", {"name": "广东省地方金融管理局"}),
    ("hub profile", "platform_profile", {"name": "广东省中小企业融资平台"}),
    ("lookup", "search", {"q": "融资平台", "limit": 20}),
    ("overlap", "platforms_shared_by_projects", {"year": 2024}),
    ("overlap", "duplicate_service", {"year": 2024}),
    # What the API and the explorer ask for: the first page (100 groups, the most projects first) and the total.
    ("overlap page", "platforms_shared_by_projects", {"year": 2024}),
    ("overlap page", "duplicate_service", {"year": 2024}),
    ("concentration", "concentration", {"by": "implementer", "year": 2024}),
    ("concentration", "concentration", {"by": "platform", "year": 2024}),
]


def benchmark_queries(driver: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """The fixed queries and lookups of entities picked from the loaded graph: a project, a median organisation."""
    [project] = driver.execute_query("MATCH (p:Project) RETURN p.project_id AS id ORDER BY id LIMIT 1").records
    organisations = driver.execute_query(
        "MATCH (o:Organization) RETURN o.name AS name, count{(o)-[:IMPLEMENTS|APPLIED_FOR]->()} AS n ORDER BY n, name"
    ).records
    typical = organisations[len(organisations) // 2]["name"]
    return [
        ("lookup", "project_profile", {"project_id": project["id"]}),
        ("lookup", "organization_profile", {"name": typical}),
        ("lookup", "graph", {"name": project["id"]}),
        *FIXED_QUERIES,
    ]


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "p50_ms": round(pick(0.5), 2),
        "p95_ms": round(pick(0.95), 2),
        "p99_ms": round(pick(0.99), 2),
        "samples": len(ordered),
    }


def run_measured(command: list[str], env: dict[str, str], stdout: Path | None = None) -> tuple[int, int, str]:
    """Run a command; its exit status, the peak resident memory (KiB) of it or any of its worker processes, stderr.

    The peak is read from /proc (VmHWM) while it runs, not from rusage: a child forked from this benchmark, which
    holds 100k projects' graph elements, would count this process's memory up to its exec. Java processes it
    starts (neo4j-admin, the server) are not the loader's memory and are left out.
    """
    peak = 0
    with tempfile.TemporaryFile() as errors, stdout.open("wb") if stdout else open(os.devnull, "wb") as output:
        child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=errors)
        while child.poll() is None:
            peak = max([peak, *(_high_water_kib(pid) for pid in _tree(child.pid) if not _is_java(pid))])
            time.sleep(0.2)
        errors.seek(0)
        return child.returncode, peak, errors.read().decode("utf-8", "replace")


def _is_java(pid: int) -> bool:
    try:
        return b"java" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
    except OSError:
        return False


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [p for child in task.read_text().split() for p in _tree(int(child))]
        except OSError:
            continue
    return found


def _high_water_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def write_grouped(driver: Any, documents: list[GraphElements]) -> None:
    """The write pass of `fundgraph load` (fundgraph.loading.write_grouped) on elements built before timing."""
    loading.write_grouped(driver, ([loading.prepared_from(elements)] for elements in documents))


def wipe(driver: Any) -> None:
    with driver.session() as session:  # CALL {...} IN TRANSACTIONS needs an implicit transaction
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def naive_write(driver: Any, documents: list[GraphElements]) -> None:
    """The baseline a first attempt writes: one auto-commit MERGE per node and per relationship."""
    schema = load_schema()
    for elements in documents:
        for node in elements.nodes:
            key = schema.key(node.label)
            driver.execute_query(
                f"MERGE (n:{node.label} {{{key}: $key}}) SET n += $props", key=node.key, props=node.props
            )
        for edge in elements.edges:
            rel = schema.relationship(edge.type)
            driver.execute_query(
                f"MATCH (a:{rel.start} {{{schema.key(rel.start)}: $start}}) "
                f"MATCH (b:{rel.end} {{{schema.key(rel.end)}: $end}}) MERGE (a)-[r:{edge.type}]->(b) SET r += $props",
                start=edge.start,
                end=edge.end,
                props=edge.props,
            )


def load_csv_write(driver: Any, documents: list[GraphElements], import_dir: Path) -> None:
    """Neo4j's own LOAD CSV writing the same nodes and relationships (typed back from text), batched by the server."""
    schema = load_schema()
    nodes: dict[str, dict[str, dict[str, Any]]] = {}
    edges: dict[str, list[dict[str, Any]]] = {}
    for elements in documents:
        for node in elements.nodes:
            nodes.setdefault(node.label, {}).setdefault(node.key, {}).update(
                {k: v for k, v in node.props.items() if v is not None}
            )
        for edge in elements.edges:
            edges.setdefault(edge.type, []).append({"_start": edge.start, "_end": edge.end, **edge.props})
    statements = []
    for label, rows in nodes.items():
        columns = sorted({c for props in rows.values() for c in props})
        kinds = _kinds([props for props in rows.values()], columns)
        _write_csv(
            import_dir / f"n_{label}.csv", ["_key", *columns], ({"_key": key, **props} for key, props in rows.items())
        )
        sets = ", ".join(f"n.{c} = {_typed(c, kinds[c])}" for c in columns) or "n.__none = null"
        statements.append(
            f"LOAD CSV WITH HEADERS FROM 'file:///n_{label}.csv' AS row CALL (row) {{ "
            f"MERGE (n:{label} {{{schema.key(label)}: row._key}}) SET {sets} }} IN TRANSACTIONS OF 10000 ROWS"
        )
    for rel_type, rows_ in edges.items():
        rel = schema.relationship(rel_type)
        columns = sorted({c for row in rows_ for c in row if not c.startswith("_")})
        kinds = _kinds(rows_, columns)
        _write_csv(import_dir / f"e_{rel_type}.csv", ["_start", "_end", *columns], iter(rows_))
        sets = ", ".join(f"r.{c} = {_typed(c, kinds[c])}" for c in columns)
        statements.append(
            f"LOAD CSV WITH HEADERS FROM 'file:///e_{rel_type}.csv' AS row CALL (row) {{ "
            f"MATCH (a:{rel.start} {{{schema.key(rel.start)}: row._start}}) "
            f"MATCH (b:{rel.end} {{{schema.key(rel.end)}: row._end}}) "
            f"MERGE (a)-[r:{rel_type}]->(b)" + (f" SET {sets}" if sets else "") + " } IN TRANSACTIONS OF 10000 ROWS"
        )
    with driver.session() as session:
        for statement in statements:
            session.run(statement).consume()


def _kinds(rows: list[dict[str, Any]], columns: list[str]) -> dict[str, str]:
    kinds = {}
    for column in columns:
        value = next((r[column] for r in rows if r.get(column) is not None), "")
        kinds[column] = (
            "list"
            if isinstance(value, list)
            else "bool"
            if isinstance(value, bool)
            else "int"
            if isinstance(value, int)
            else "str"
        )
    return kinds


def _typed(column: str, kind: str) -> str:
    value = f"row.{column}"
    return {
        "int": f"toInteger({value})",
        "bool": f"toBoolean({value})",
        "list": f"CASE WHEN {value} IS NULL THEN null ELSE split({value}, '\\u001f') END",
    }.get(kind, value)


def _write_csv(path: Path, columns: list[str], rows: Any) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "\x1f".join(map(str, v)) if isinstance(v, list) else v for k, v in row.items()})


# Lookups are timed often enough for a p99 to mean something (the target is on p99 over at least 100 samples);
# the heavy queries, whose target is on p50, fewer times.
LOOKUP_SAMPLES = 200


# Calls before a lookup is sampled. A query's first runs are interpreted: Cypher compiles its expressions once it has
# run ten times (`internal.cypher.expression_recompilation_limit`) and the JVM its hot paths later still. At 1M, just
# after a restart and with no GC pause near them, the first 10-20 calls of each lookup were its slow ones (`search`:
# p99 over 200 samples 48.7 ms with one call before them, 21.4 ms without its first 20). A server in use has them
# compiled; the warm-up's own times are kept in the results (`warmup`), not hidden.
LOOKUP_WARMUP = 20


def finding_digest(found: list[Any], keep: str | None = None) -> str:
    """The SHA-256 of the findings as sorted lines (rule, project ids, details), which ``keep`` names a file for.

    >>> from fundgraph.audit.findings import Finding
    >>> finding_digest([Finding("a", "low", "t")]) == finding_digest([Finding("a", "high", "other title")])
    True
    """
    import hashlib

    lines = sorted(
        json.dumps(
            [f.rule, [p.project_id for p in f.projects], f.details], ensure_ascii=False, sort_keys=True, default=str
        )
        for f in found
    )
    text = "".join(line + "\n" for line in lines)
    if keep:
        Path(keep).write_text(text, encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()


def samples_for(kind: str, repeats: int) -> int:
    return LOOKUP_SAMPLES if kind == "lookup" else repeats


def gc_pauses(log: Path) -> list[tuple[float, float]]:
    """The server's GC pauses, (start, end) in seconds since the epoch, from a JVM log written with
    ``-Xlog:gc:file=LOG:time`` (each line is stamped when its pause ends)."""
    import datetime
    import re

    pauses = []
    if not log.exists():
        return pauses
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = re.match(r"^\[([^\]]+)\].*Pause.* ([0-9.]+)ms$", line)
        if match:
            end = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            pauses.append((end - float(match.group(2)) / 1000, end))
    return pauses


def outliers(
    intervals: list[tuple[float, float]],
    pauses: list[tuple[float, float]],
    server_ms: list[int | None] | None = None,
    client_gc: list[tuple[float, float]] | None = None,
) -> dict[str, Any]:
    """The samples slower than twice the median (and 5 ms more); how many of them overlap a server GC pause or a
    collection of the client's own (Python's) GC; and of their time above the median, the share the server's own
    timing accounts for (the rest is the client, the driver and the network).

    >>> outliers([(0, .01), (1, 1.01), (2, 2.05), (3, 3.01)], [(2.02, 2.03)], [9, 9, 48, 9], [])
    {'slow': 1, 'slow_during_server_gc': 1, 'slow_during_client_gc': 0, 'excess_on_server': 0.98}
    """
    median = statistics.median(end - start for start, end in intervals)
    slow = [i for i, (s, e) in enumerate(intervals) if e - s > max(2 * median, median + 0.005)]

    def overlapping(spans: list[tuple[float, float]]) -> int:
        return sum(1 for i in slow if any(ps < intervals[i][1] and intervals[i][0] < pe for ps, pe in spans))

    found: dict[str, Any] = {
        "slow": len(slow),
        "slow_during_server_gc": overlapping(pauses),
        "slow_during_client_gc": overlapping(client_gc or []),
    }
    timed_server = [ms for ms in (server_ms or []) if ms is not None]
    if slow and server_ms and len(timed_server) == len(intervals):
        usual = statistics.median(timed_server) / 1000
        excess = sum(intervals[i][1] - intervals[i][0] - median for i in slow)
        on_server = sum(max(0.0, timed_server[i] / 1000 - usual) for i in slow)
        found["excess_on_server"] = round(on_server / excess, 2) if excess > 0 else None
    return found


class ClientGC:
    """The client's own garbage collections, (start, end) in seconds since the epoch, while in a ``with`` block."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.time()
        else:
            self.spans.append((self._started, time.time()))

    def __enter__(self) -> ClientGC:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def latency(
    driver: Any, queries: list[tuple[str, str, dict[str, Any]]], repeats: int, gc_log: Path | None = None
) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for kind, name, params in queries:
        label = f"{name}({','.join(f'{k}={v}' for k, v in params.items())})"

        def once(name: str = name, params: dict[str, Any] = params, kind: str = kind) -> Any:
            if kind.endswith("page"):
                return run_page(driver, name, params, offset=0, limit=100, timeout=120)
            return run_query(driver, name, params, row_cap=1000, timeout=120)

        if kind.endswith("page"):
            label += " page 1 of 100"
        try:
            # Planned and cached, and for lookups compiled, as a server in use has them.
            warmup = [timed(once)[0] for _ in range(LOOKUP_WARMUP if kind == "lookup" else 1)]
            samples = []
            intervals = []  # wall-clock, to set beside the server's GC log
            server_ms: list[int | None] = []
            with ClientGC() as client_gc:
                for _ in range(samples_for(kind, repeats)):
                    started = time.time()
                    seconds, answer = timed(once)
                    samples.append(seconds)
                    intervals.append((started, time.time()))
                    server_ms.append(getattr(answer, "server_ms", None))
        except Exception as exc:  # a query that fails at this size is a result too: recorded, and the run goes on
            results[label] = {"kind": kind, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
            print(f"  {label} failed: {results[label]['error']}", flush=True)
            continue
        results[label] = {"kind": kind, **percentiles(samples)}
        if kind == "lookup":
            results[label]["warmup"] = {
                "calls": len(warmup),
                "first_ms": round(warmup[0] * 1000, 2),
                "max_ms": round(max(warmup) * 1000, 2),
            }
        if gc_log is not None and kind == "lookup":
            results[label]["outliers"] = outliers(intervals, gc_pauses(gc_log), server_ms, client_gc.spans)
    return results


def http_latency(base: str, key: str, queries: list[tuple[str, str, dict[str, Any]]], repeats: int) -> dict[str, Any]:
    import httpx

    results: dict[str, Any] = {}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:
        for kind, name, params in queries:
            samples = []
            # The API pages every query; a page of 1000 rows stands for the whole, as the driver's row cap does.
            rows = 100 if kind.endswith("page") else 1000
            for _ in range(samples_for(kind, repeats)):
                seconds, response = timed(
                    lambda name=name, params=params, rows=rows: client.post(
                        f"/api/v1/queries/{name}", json={"parameters": params}, params={"limit": rows}
                    )
                )
                if response.is_error:
                    break
                samples.append(seconds)
            label = f"{name}({','.join(f'{k}={v}' for k, v in params.items())})"
            if kind.endswith("page"):
                label += " page 1 of 100"
            if response.is_error:
                results[label] = {"kind": kind, "error": f"HTTP {response.status_code}: {response.text[:300]}"}
                continue
            results[label] = {"kind": kind, **percentiles(samples)}
    return results


def throughput(work: Callable[[], None], clients: int, seconds: float) -> float:
    done = [0] * clients
    deadline = time.monotonic() + seconds

    def loop(index: int) -> None:
        while time.monotonic() < deadline:
            work()
            done[index] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


CALIBRATION_DOCUMENTS = 100  # about 2,300 projects: two seconds of one core


def worker_cpu(files: list[Path]) -> dict[str, float]:
    """The CPU one core spends preparing a project for the bulk import (parse, extraction, rows), on the corpus's
    first documents (the same ones every run: seed 2026), in this process. Measured before and after the bulk load,
    it says how fast the machine was during it (the same code has run at half speed in a slow hour), and with the
    core count it gives the prepare step's floor.

    >>> import tempfile
    >>> from fundgraph.synth import generate, render_word_text
    >>> folder = Path(tempfile.mkdtemp())
    >>> for i, plan in enumerate(generate(60, seed=1)):
    ...     _ = (folder / f"plan-{i}.txt").write_text(render_word_text(plan), encoding="utf-8")
    >>> measured = worker_cpu(sorted(folder.iterdir()))
    >>> measured["projects"], measured["ms_per_project"] > 0
    (60, True)
    """
    from fundgraph.loading import prepare_rendered

    sample = files[:CALIBRATION_DOCUMENTS]
    prepare_rendered(sample[0])  # the first call imports the readers and compiles the patterns
    started = time.process_time()
    projects = sum(r.projects for file in sample for r in prepare_rendered(file) or [])
    seconds = time.process_time() - started
    return {"projects": projects, "ms_per_project": round(1000 * seconds / projects, 3)}


def run(size: str) -> dict[str, Any]:
    projects = SIZES[size]
    workdir = Path(tempfile.mkdtemp(prefix="fundgraph-bench-"))
    result: dict[str, Any] = {
        "size": size,
        "projects": projects,
        "command": f"make bench SIZE={size}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "python": platform.python_version(),
        "started": time.strftime("%Y-%m-%d %H:%M"),
    }
    server = LocalServer(
        home=workdir / "neo4j",
        port=free_port(),
        jars=ROOT / ".neo4j",
        heap="4g",
        pagecache="6g",
        # The findings' largest transaction (alias_variants) grows with the graph: 176 MB at 100k, so about 1.8 GB
        # at 1M (docs/security.md); half the heap, where the default 1g would refuse it.
        transaction_memory="2g",
        extra_conf=("dbms.security.allow_csv_import_from_file_urls=true",),
        jvm_options=(f"-Xlog:gc:file={workdir / 'neo4j' / 'logs' / 'gc.log'}:time",),
    )
    try:
        server.start(timeout=300)
        settings = Settings(NEO4J_URI=server.uri, NEO4J_PASSWORD=server.password(), FUNDGRAPH_NEO4J_HOME=server.home)
        env = {
            **os.environ,
            "NEO4J_URI": server.uri,
            "NEO4J_PASSWORD": server.password() or "",
            "FUNDGRAPH_NEO4J_HOME": str(server.home),
        }
        corpus = workdir / "corpus"
        corpus.mkdir()
        seconds, plans = timed(
            lambda: sum(
                1
                for i, plan in enumerate(generate(projects, seed=2026))
                if (corpus / f"plan-{i:07d}.txt").write_text(render_word_text(plan), encoding="utf-8")
            )
        )
        files = sorted(corpus.iterdir())
        result["corpus"] = {
            "documents": plans,
            "generate_s": round(seconds, 1),
            "bytes": sum(p.stat().st_size for p in files),
        }
        print(f"[{size}] corpus: {plans} documents", flush=True)
        checkpoint(result)

        # BENCH_LOADS=bulk: only the bulk load and the queries on its store (a 1M run in half the time); the
        # transactional comparisons are the other sizes' (the report marks the row).
        if not BULK_ONLY:
            kept: list[GraphElements] = []
            kept_projects = 0
            parse_s = build_s = 0.0
            # Parse throughput on the documents kept for the write comparisons (all of them up to 100k projects).
            for file in files:
                if kept_projects >= KEEP_ELEMENTS_LIMIT:
                    break
                t, plan = timed(lambda file=file: parse_bytes(file.read_bytes(), str(file)))
                parse_s += t
                t, elements = timed(lambda plan=plan: plan_elements(plan))
                build_s += t
                kept.append(elements)
                kept_projects += len(plan.projects)
            result["parse"] = {
                "projects_per_s": round(kept_projects / parse_s),
                "elements_projects_per_s": round(kept_projects / build_s),
                "projects_measured": kept_projects,
            }
            print(f"[{size}] parse {result['parse']}", flush=True)
            checkpoint(result)

            driver = connect(settings)
            apply_schema(driver)
            # Warm up (query plans, the JVM's compiler) on a few documents, so that no contender runs on a cold server.
            write_grouped(driver, kept[:50])
            wipe(driver)
            # The write pass of `fundgraph load DIR`: new plans a group at a time.
            t_write, _ = timed(lambda: write_grouped(driver, kept))
            # Reloading unchanged documents, against loading each of them alone (as `fundgraph load FILE` does).
            sample = kept[: min(20, len(kept))]
            again = [timed(lambda elements=elements: write_plan(driver, elements))[0] for elements in sample]
            wipe(driver)
            first = [timed(lambda elements=elements: write_plan(driver, elements))[0] for elements in sample]
            result["write_phase"] = {
                "projects": kept_projects,
                "seconds": round(t_write, 1),
                "projects_per_s": round(kept_projects / t_write),
            }
            result["reload_unchanged"] = {
                "first_load_ms": round(1000 * statistics.mean(first), 1),
                "reload_ms": round(1000 * statistics.mean(again), 1),
                "ratio": round(statistics.mean(again) / statistics.mean(first), 3),
            }
            print(f"[{size}] write {result['write_phase']} reload {result['reload_unchanged']}", flush=True)
            checkpoint(result)

            wipe(driver)
            import_dir = server.home / "import"
            t_csv, _ = timed(lambda: load_csv_write(driver, kept, import_dir))
            nodes_csv = driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
            result["load_csv"] = {
                "projects": kept_projects,
                "seconds": round(t_csv, 1),
                "projects_per_s": round(kept_projects / t_csv),
                "nodes": nodes_csv,
            }
            result["ratio_write_vs_load_csv"] = round(t_csv / t_write, 2)
            print(f"[{size}] LOAD CSV {result['load_csv']}", flush=True)
            checkpoint(result)

            naive_docs, naive_projects = [], 0
            for elements in kept:
                if naive_projects >= NAIVE_LIMIT:
                    break
                naive_docs.append(elements)
                naive_projects += sum(1 for n in elements.nodes if n.label == "Project")
            wipe(driver)
            t_naive, _ = timed(lambda: naive_write(driver, naive_docs))
            wipe(driver)
            t_same, _ = timed(lambda: write_grouped(driver, naive_docs))
            result["naive"] = {
                "projects": naive_projects,
                "seconds": round(t_naive, 1),
                "projects_per_s": round(naive_projects / t_naive),
                "fundgraph_same_projects_s": round(t_same, 1),
            }
            result["ratio_write_vs_naive"] = round(t_naive / t_same, 1)
            print(f"[{size}] naive {result['naive']}", flush=True)
            checkpoint(result)
            # The write comparisons' 100k projects of graph elements are done with. Held on to, every full collection of
            # Python's cyclic GC walks them: a 70 ms pause inside a 3 ms lookup, measured as the lookups' p99 outliers.
            # A server process holds none of them; the bench's query phase should not either.
            kept.clear(), naive_docs.clear(), sample.clear()
            gc.collect()
            gc.freeze()

            # End to end, last: the whole corpus through `fundgraph load`, which the queries below then run on.
            wipe(driver)
            t, (returncode, peak_kib, stderr) = timed(
                lambda: run_measured([sys.executable, "-m", "fundgraph", "load", str(corpus)], env)
            )
            if returncode != 0:
                raise RuntimeError(stderr[-2000:])
            result["load_end_to_end"] = {
                "seconds": round(t, 1),
                "projects_per_s": round(projects / t),
                "loader_peak_rss_mib": round(peak_kib / 1024),
            }
            print(f"[{size}] end to end {result['load_end_to_end']}", flush=True)
            checkpoint(result)

        # The same corpus into a new store by Neo4j's offline importer: `fundgraph load --bulk --replace`. The
        # server is stopped and started again by it; the queries below run on the store it builds (the same graph).
        if not BULK_ONLY:
            driver.close()
        before = worker_cpu(files)
        report = workdir / "bulk.json"
        bulk_env = {
            **env,
            "FUNDGRAPH_NEO4J_JARS": str(server.jar_dir),
            "FUNDGRAPH_NEO4J_HEAP": server.heap,
            "FUNDGRAPH_NEO4J_PAGECACHE": server.pagecache,
        }
        t, (returncode, peak_kib, stderr) = timed(
            lambda: run_measured(
                [sys.executable, "-m", "fundgraph", "load", "--bulk", "--replace", "--json", str(corpus)],
                bulk_env,
                stdout=report,
            )
        )
        if returncode != 0:
            raise RuntimeError(stderr[-2000:])
        phases = json.loads(report.read_text(encoding="utf-8"))
        after = worker_cpu(files)
        cores = os.cpu_count() or 1
        result["bulk_end_to_end"] = {
            "seconds": round(t, 1),
            "projects_per_s": round(projects / t),
            "loader_peak_rss_mib": round(peak_kib / 1024),
            "phases_s": phases["seconds"],
            "ratio_vs_transactional": None if BULK_ONLY else round(result["load_end_to_end"]["seconds"] / t, 2),
            # One core's CPU a project, measured just before and after the load: the machine's speed during it,
            # and the prepare step's floor (every core busy preparing, nothing else running).
            "worker_cpu_ms_per_project": [before["ms_per_project"], after["ms_per_project"]],
            # The load's own account of the prepare step's CPU: its workers' and the loading process's.
            "prepare_cpu_s": phases.get("cpu_seconds"),
            "prepare_floor_s": round(
                (before["ms_per_project"] + after["ms_per_project"]) / 2 * projects / 1000 / cores
            ),
        }
        print(f"[{size}] bulk end to end {result['bulk_end_to_end']}", flush=True)
        checkpoint(result)
        driver = connect(settings)

        # Every finding rule over one year's plans, whole (no row cap): what `fundgraph findings --year 2024` reads.
        from fundgraph.audit.findings import run_findings

        # Above 100k only when asked (BENCH_FINDINGS=1): at 100k they take about three minutes, at 1M half an hour.
        if projects <= 100_000 or os.environ.get("BENCH_FINDINGS") == "1":
            try:
                t, found = timed(lambda: run_findings(driver, year=2024))
                result["findings_whole"] = {
                    "seconds": round(t, 1),
                    "findings": len(found),
                    # Per rule, so that two runs over the same corpus that disagree say where, and a digest of
                    # every finding (rule, projects, details) that says whether they agree finding by finding.
                    "by_rule": dict(sorted(collections.Counter(f.rule for f in found).items())),
                    "sha256": finding_digest(found, os.environ.get("BENCH_FINDINGS_KEYS")),
                }
                # 158k findings at 1M are millions of objects: kept, every full collection of Python's cyclic GC
                # walks them inside a lookup (a 400 ms p99 the server took 2% of). Released, as a report is once sent.
                del found
                gc.collect()
                gc.freeze()
            except Exception as exc:  # recorded: a rule that fails at this size is a result too
                result["findings_whole"] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}
            print(f"[{size}] findings {result['findings_whole']}", flush=True)
            checkpoint(result)

        repeats = 30 if projects <= 100_000 else 10
        queries = benchmark_queries(driver)
        result["latency_driver"] = latency(driver, queries, repeats, server.home / "logs" / "gc.log")
        key = "bench-reader-key-000001"
        port = free_port()
        api = start_server(env, port, key)
        try:
            import httpx

            base = f"http://127.0.0.1:{port}"
            result["latency_http"] = http_latency(base, key, queries, repeats)
            name, params = "concentration", {"by": "implementer", "year": 2024}
            query = get_query(name)
            bound = query.bind(params)
            # Both sides make the same call: the API's page of 100 rows with its total (`run_page`). The driver side
            # once fetched every row (up to 10,000) against the API's first page, and read as HTTP being the faster.
            raw = throughput(lambda: run_page(driver, name, bound, limit=100) and None, clients=8, seconds=10)
            client = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120)
            over_http = throughput(
                lambda: client.post(f"/api/v1/queries/{name}", json={"parameters": params}).raise_for_status() and None,
                clients=8,
                seconds=10,
            )
            result["throughput_concurrency_8"] = {
                "driver_per_s": round(raw, 1),
                "http_per_s": round(over_http, 1),
                "http_cost_ratio": round(raw / over_http, 2),
            }
        finally:
            api.terminate()
            api.wait(timeout=30)
        print(f"[{size}] throughput {result['throughput_concurrency_8']}", flush=True)
        checkpoint(result)

        if projects <= 100_000:
            from fundgraph.graph.nxsink import from_neo4j

            t, graph = timed(lambda: from_neo4j(driver))
            result["networkx_export"] = {
                "seconds": round(t, 1),
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
            }
        driver.close()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def checkpoint(result: dict[str, Any]) -> None:
    """What is measured so far, kept if a later phase fails (bench/results/SIZE.partial.json)."""
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{result['size']}.partial.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")


def main() -> int:
    size = sys.argv[1] if len(sys.argv) > 1 else "1k"
    if size not in SIZES:
        print(f"SIZE is one of {', '.join(SIZES)}")
        return 2
    result = run(size)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    # A bulk-only run keeps the size's full run (its transactional figures) and is read over it by the report.
    # Named by the minute it started: two runs on one day are both kept.
    stamp = result["started"][:16].replace(" ", "T").replace(":", "")
    kept = out / "bulk-only" / f"{size}-{stamp}.json" if BULK_ONLY else out / f"{size}.json"
    kept.parent.mkdir(exist_ok=True)
    kept.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / f"{size}.partial.json").unlink(missing_ok=True)
    from bench.report import write_report

    write_report()
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
