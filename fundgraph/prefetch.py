"""Work ahead of a consumer in a background thread, a bounded number of items at a time.

The loader parses and extracts the next documents while the current group is being written: the writer waits on
Neo4j with the GIL released, so the two overlap even in one process.

>>> list(prefetch(iter(range(5)), depth=2))
[0, 1, 2, 3, 4]
>>> list(prefetch((1 // x for x in [1, 0]), depth=1))
Traceback (most recent call last):
ZeroDivisionError: integer division or modulo by zero
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
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
