"""The bench's own measures (it runs outside `make test`, so what it computes is checked here)."""

from __future__ import annotations

import doctest
import gc
import time

import bench.bench
import bench.report
from bench.bench import ClientGC, outliers


def test_bench_doctests_hold() -> None:
    for module in (bench.bench, bench.report):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module


def test_client_collections_are_set_beside_the_slow_samples() -> None:
    with ClientGC() as client:
        started = time.time()
        gc.collect()
        ended = time.time()
    assert client.spans and started <= client.spans[-1][0] <= client.spans[-1][1] <= ended
    samples = [(0.0, 0.01), (1.0, 1.01), (started - 0.001, ended + 0.05), (3.0, 3.01)]
    found = outliers(samples, [], [5, 5, 5, 5], client.spans)
    # Slow on the client, not on the server: none of its excess is the server's.
    assert found == {"slow": 1, "slow_during_server_gc": 0, "slow_during_client_gc": 1, "excess_on_server": 0.0}
    # A sample the rows were cut short for has no server time: the share is not given.
    assert "excess_on_server" not in outliers(samples, [], [5, None, 5, 5], [])
    assert gc.callbacks.count(client._callback) == 0
