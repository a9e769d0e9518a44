"""Snapshots: an expensive answer kept for a while under an id, so that a client pages through *one* answer.

Findings over a whole graph take a minute and a half at a million projects (158k of them); an API client reading
them a page at a time would otherwise run every rule again for every page, and a load between two pages would shift
the pages under it. The first request runs the rules and keeps the answer as a snapshot; the pages after it name the
snapshot and are cut from it, as Elasticsearch's point-in-time or a database cursor would. Asking without a snapshot
always runs the rules again, so a fresh answer is never stale; a snapshot is the graph as it stood when taken (its
``taken_at`` says when), and it is never refreshed — one that has expired or been pushed out is refused by name
(:class:`SnapshotExpired`), never answered from another.

Kept in the process (an API worker's memory): at most ``keep`` snapshots, each for ``ttl`` seconds. When one more is
taken, the one pushed out is the oldest that no page has been read from since it was taken (a question asked once,
as the explorer's findings page does, is never paged), and only when every kept one is being paged, the one read
longest ago: a client paging through a run is not cut off by others asking one-page questions.

>>> now = [0.0]
>>> kept = Snapshots[list[int]](keep=2, ttl=60, clock=lambda: now[0])
>>> first = kept.take(("year", 2024), [1, 2, 3])
>>> now[0] = 10.0
>>> kept.get(first.id).answer
[1, 2, 3]
>>> now[0] = 100.0
>>> kept.get(first.id)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
fundgraph.errors.SnapshotExpired: snapshot ... has expired or was replaced; ask again without it
>>> second, third, fourth = (kept.take(("year", y), [y]) for y in (2022, 2023, 2024))
>>> kept.get(fourth.id).answer, kept.get(third.id).answer
([2024], [2023])
>>> kept.get(second.id)  # pushed out by the two after it  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
fundgraph.errors.SnapshotExpired: snapshot ... has expired or was replaced; ask again without it

A run being paged outlives any number of questions asked once after it:

>>> kept = Snapshots[list[int]](keep=2, ttl=60, clock=lambda: 0.0)
>>> paged = kept.take(("year", 2024), [1, 2])
>>> kept.get(paged.id).answer  # its second page is read
[1, 2]
>>> once = [kept.take(("severity", s), []) for s in ("high", "low", "medium")]
>>> kept.get(paged.id).answer  # each one-page question pushed out the one before it
[1, 2]
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from fundgraph.errors import SnapshotExpired

T = TypeVar("T")

# Two: a client paging a whole-graph answer while another asks a narrower question. A year's findings in a
# million-project graph hold close to a GiB of Python objects (docs/performance.md), so more would be memory the API
# worker seldom needs.
SNAPSHOTS_KEPT = 2
SNAPSHOT_TTL_S = 900.0


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    id: str
    question: tuple[object, ...]
    answer: T
    taken_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class Snapshots(Generic[T]):
    """The latest ``keep`` answers by id, each for ``ttl`` seconds from when it was taken; safe across threads."""

    def __init__(
        self, keep: int = SNAPSHOTS_KEPT, ttl: float = SNAPSHOT_TTL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.keep = keep
        self.ttl = ttl
        self.clock = clock
        # Least recently read first; ``_read`` holds the ids a page has been read from since they were taken.
        self._kept: OrderedDict[str, tuple[float, Snapshot[T]]] = OrderedDict()
        self._read: set[str] = set()
        self._lock = threading.Lock()

    def take(self, question: tuple[object, ...], answer: T) -> Snapshot[T]:
        """Keep ``answer`` to ``question`` under a new id (unguessable: ids are not access control, but one
        client's should not be found by counting), pushing out beyond ``keep`` the oldest never read, else the one
        read longest ago."""
        snapshot = Snapshot(secrets.token_urlsafe(12), question, answer)
        with self._lock:
            while self._kept and len(self._kept) >= self.keep:
                unread = next((id_ for id_ in self._kept if id_ not in self._read), None)
                gone = unread if unread is not None else next(iter(self._kept))
                del self._kept[gone]
                self._read.discard(gone)
            self._kept[snapshot.id] = (self.clock(), snapshot)
        return snapshot

    def get(self, snapshot_id: str) -> Snapshot[T]:
        with self._lock:
            kept = self._kept.get(snapshot_id)
            if kept is not None and self.clock() - kept[0] > self.ttl:
                del self._kept[snapshot_id]
                self._read.discard(snapshot_id)
                kept = None
            elif kept is not None:
                self._kept.move_to_end(snapshot_id)
                self._read.add(snapshot_id)
        if kept is None:
            raise SnapshotExpired(f"snapshot {snapshot_id} has expired or was replaced; ask again without it")
        return kept[1]
