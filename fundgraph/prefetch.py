"""Work ahead of a consumer, a bounded number of items at a time: in a thread, or in worker processes.

The loader parses and extracts the next documents while the current group is being written. A thread overlaps
with the writer waiting on Neo4j; worker processes also use the machine's other cores. Either way only ``depth``
items are ever ahead, so memory stays bounded however long the input.

>>> list(prefetch(iter(range(5)), depth=2))
[0, 1, 2, 3, 4]
>>> list(prefetch((1 // x for x in [1, 0]), depth=1))
Traceback (most recent call last):
ZeroDivisionError: integer division or modulo by zero
"""

from __future__ import annotations

import gc
import multiprocessing
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_ahead(
    work: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    depth: int,
    initializer: Callable[[], None] | None = None,
) -> Iterator[R]:
    """``work`` over ``items`` in ``workers`` processes, results in order, at most ``depth`` submitted ahead;
    ``initializer`` runs once in each process as it starts.

    With one worker or fewer it runs in a thread of this process instead (``work`` must then be thread-safe; it
    must be a module-level function either way). Processes are spawned, not forked: the caller may hold locks
    in other threads (a progress bar's, a driver's).
    """
    if workers <= 1:
        yield from prefetch((work(item) for item in items), depth=depth)
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=initializer)
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(work, item))
            if len(pending) >= depth:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_DONE = object()


def prefetch(items: Iterator[T], depth: int = 4) -> Iterator[T]:
    """The items of ``items``, computed up to ``depth`` ahead; an exception is raised where its item would be."""
    ahead: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        """False once the consumer has gone, so that the thread ends instead of waiting for room forever."""
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)

    thread = threading.Thread(target=work, name="fundgraph-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = ahead.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()


# Python's cyclic collector runs a young collection every 700 allocations and, now and then, one over everything the
# process holds. A bulk load's loading process holds millions of dicts and lists that form no cycles (the shared
# nodes, the tallies) and its workers allocate hundreds of objects a row, so the full collections cost the loading
# process about a third of its CPU (docs/performance.md). Collecting a hundred times less often leaves the same
# garbage collected (nothing here lives on cycles for long) at a bounded cost in memory.
FEWER_COLLECTIONS = (100_000, 20, 20)


def collect_less() -> None:
    """Collect cyclic garbage less often in this process (a worker's initializer)."""
    gc.set_threshold(*FEWER_COLLECTIONS)


@contextmanager
def collecting_less() -> Iterator[None]:
    """Collect cyclic garbage less often for a while, then as before.

    >>> before = gc.get_threshold()
    >>> with collecting_less():
    ...     gc.get_threshold() == FEWER_COLLECTIONS
    True
    >>> gc.get_threshold() == before
    True
    """
    before = gc.get_threshold()
    collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*before)
