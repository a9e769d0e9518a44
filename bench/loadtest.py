"""A bounded load test of the HTTP API on loopback: N concurrent clients for S seconds, mixed lookups and analytics.

Every non-2xx answer (503 included) counts as an error; the server's resident memory is sampled every second and
must level off. Run with `make loadtest` (50 clients, 60 s) or `python -m bench.loadtest --help`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from fundgraph.localserver import wait_for_url

ROOT = Path(__file__).resolve().parent.parent
KEY = "loadtest-reader-key-0001"
REQUESTS: list[tuple[str, str, dict[str, Any], dict[str, Any] | None]] = [
    ("GET", "/api/v1/search", {"q": "中小企业融资平台"}, None),
    ("GET", "/api/v1/organizations/广东股交", {}, None),
    ("GET", "/api/v1/platforms/中小融", {}, None),
    ("GET", "/api/v1/neighbourhood", {"name": "广东省中小企业融资平台", "depth": 2}, None),
    ("GET", "/api/v1/path", {"from": "潮州市金融局", "to": "广东省地方金融管理局"}, None),
    ("GET", "/api/v1/concentration", {"by": "implementer", "year": 2024}, None),
    ("GET", "/api/v1/concentration", {"by": "platform"}, None),
    ("GET", "/api/v1/concentration", {"by": "service_type", "split": "none"}, None),
    ("GET", "/api/v1/overlaps/services", {}, None),
    ("GET", "/api/v1/overlaps/platforms", {}, None),
    ("GET", "/api/v1/findings", {"year": 2024}, None),
    ("GET", "/api/v1/plans", {}, None),
    ("POST", "/api/v1/queries/pass_through", {}, {"parameters": {"year": 2024}}),
]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[int] = field(default_factory=list)

    def record(self, name: str, status: int, seconds: float) -> None:
        self.latencies.setdefault(name, []).append(seconds)
        if not 200 <= status < 300:
            self.errors[f"{name} {status}"] = self.errors.get(f"{name} {status}", 0) + 1


async def _client(base: str, deadline: float, stats: Stats, rng: random.Random) -> None:
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {KEY}"}, timeout=60) as client:
        while time.monotonic() < deadline:
            method, path, params, body = rng.choice(REQUESTS)
            start = time.perf_counter()
            try:
                response = await client.request(method, path, params=params, json=body)
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            stats.record(f"{method} {path}", status, time.perf_counter() - start)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _sample(pid: int, deadline: float, stats: Stats) -> None:
    while time.monotonic() < deadline:
        stats.samples.append(_rss_kib(pid))
        await asyncio.sleep(1)


def start_server(env: dict[str, str], port: int, key: str = KEY, keys: str | None = None) -> subprocess.Popen[bytes]:
    """`fundgraph serve` in its own process, once /ready answers: with one reader key, or the FUNDGRAPH_API_KEYS
    given as ``keys``."""
    server = subprocess.Popen(
        [sys.executable, "-m", "fundgraph", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**env, "FUNDGRAPH_API_KEYS": keys or f"client:reader:{key}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not wait_for_url(f"http://127.0.0.1:{port}/ready", timeout=60):
        server.terminate()
        raise RuntimeError("the API did not become ready")
    return server


def run(env: dict[str, str], clients: int, seconds: float, port: int, seed: int = 1) -> dict[str, Any]:
    server = start_server(env, port)
    stats = Stats()
    try:
        # Warm up (query plans, pools) so the memory baseline is the steady state, not the start.
        httpx.get(f"http://127.0.0.1:{port}/api/v1/findings", headers={"Authorization": f"Bearer {KEY}"}, timeout=60)

        async def main() -> None:
            deadline = time.monotonic() + seconds
            rng = random.Random(seed)
            await asyncio.gather(
                _sample(server.pid, deadline, stats),
                *(
                    _client(f"http://127.0.0.1:{port}", deadline, stats, random.Random(rng.random()))
                    for _ in range(clients)
                ),
            )

        started = time.perf_counter()
        asyncio.run(main())
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    every = sorted(t for values in stats.latencies.values() for t in values)
    settled = stats.samples[len(stats.samples) // 4 :] or stats.samples
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "throughput": round(len(every) / elapsed, 1),
        "errors": sum(stats.errors.values()),
        "error_kinds": stats.errors,
        "p50_ms": round(1000 * statistics.median(every), 1) if every else None,
        "p95_ms": round(1000 * every[int(0.95 * (len(every) - 1))], 1) if every else None,
        "p99_ms": round(1000 * every[int(0.99 * (len(every) - 1))], 1) if every else None,
        "rss_mib_first": round(settled[0] / 1024, 1) if settled else None,
        "rss_mib_last": round(settled[-1] / 1024, 1) if settled else None,
        "rss_mib_max": round(max(stats.samples) / 1024, 1) if stats.samples else None,
        "per_endpoint_p50_ms": {name: round(1000 * statistics.median(v), 1) for name, v in stats.latencies.items()},
    }


def memory_is_stable(result: dict[str, Any]) -> bool:
    """After warm-up, resident memory grows by less than half again plus 32 MiB: no leak per request."""
    first, last = result["rss_mib_first"], result["rss_mib_last"]
    return first is None or last <= first * 1.5 + 32


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 1 <= args.seconds <= 600:
        parser.error("bounded: 1-500 clients for 1-600 seconds")
    result = run(dict(os.environ), args.clients, args.seconds, args.port)
    for key, value in result.items():
        print(f"{key:>20}: {value}")
    ok = result["errors"] == 0 and memory_is_stable(result)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
