"""API keys: ``name:role:key`` from FUNDGRAPH_API_KEYS (comma-separated) or FUNDGRAPH_API_KEYS_FILE (one a line).

Roles: ``reader`` (lookups, analytics, the catalogue) and ``auditor`` (also ad-hoc Cypher). Keys are sent as
``Authorization: Bearer KEY`` and compared in constant time. With no key configured, ``fundgraph serve`` makes a
one-time auditor key; the API is never open. ``fundgraph keys new`` adds a key to FUNDGRAPH_API_KEYS_FILE, and an
address that keeps sending wrong keys is made to wait (:class:`KeyThrottle`).

>>> [k.name for k in parse_keys("alice:auditor:s3cret-alice-key, bob:reader:s3cret-bob-key")]
['alice', 'bob']
"""

from __future__ import annotations

import hmac
import math
import os
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fundgraph.config import get_settings
from fundgraph.errors import ConfigError

ROLES = ("reader", "auditor")
MIN_KEY_LENGTH = 12
# Keys made by `fundgraph keys new`: 32 random bytes (256 bits), URL-safe so they can ride in the explorer's URL.
NEW_KEY_BYTES = 32
NAME = re.compile(r"[^\s:,#]+")

# Wrong keys from one client address: after MAX_FAILURES within FAILURE_WINDOW_S it gets 429 (without its key
# being compared) until the oldest of them is FAILURE_WINDOW_S old. A right key neither counts nor clears.
MAX_FAILURES = 10
FAILURE_WINDOW_S = 60.0
# The addresses remembered at most, so that a spray from many addresses cannot grow the table without bound.
MAX_CLIENTS = 10_000


@dataclass(frozen=True)
class ApiKey:
    name: str
    role: str
    key: str

    def may(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def parse_keys(text: str, source: str = "FUNDGRAPH_API_KEYS") -> list[ApiKey]:
    keys = []
    for number, entry in enumerate((e.strip() for e in text.replace("\n", ",").split(",")), start=1):
        if not entry or entry.startswith("#"):
            continue
        parts = entry.split(":", 2)
        if len(parts) != 3 or parts[1] not in ROLES or len(parts[2]) < MIN_KEY_LENGTH:
            raise ConfigError(
                f"{source}, entry {number}: write name:role:key with role reader or auditor and a key of at least "
                f"{MIN_KEY_LENGTH} characters"
            )
        keys.append(ApiKey(*parts))
    return keys


def keys_from_environment() -> list[ApiKey]:
    settings = get_settings()
    keys = parse_keys(settings.api_keys)
    if settings.api_keys_file is not None:
        path = settings.api_keys_file
        if not path.is_file():
            raise ConfigError(f"FUNDGRAPH_API_KEYS_FILE names {path}, which does not exist")
        keys += parse_keys(path.read_text(encoding="utf-8"), str(path))
    return keys


def one_time_key() -> ApiKey:
    return ApiKey("one-time", "auditor", secrets.token_urlsafe(24))


def match(keys: list[ApiKey], presented: str) -> ApiKey | None:
    """The key presented, compared with every configured key in constant time."""
    found = None
    for key in keys:
        if hmac.compare_digest(key.key.encode(), presented.encode()):
            found = key
    return found


class KeyThrottle:
    """Wrong keys per client address in a sliding window; thread-safe (sync dependencies run in a thread pool)."""

    def __init__(
        self,
        limit: int = MAX_FAILURES,
        window: float = FAILURE_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.max_clients = max_clients
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        """Whole seconds ``client`` must wait before a key of its is looked at again, or None if it need not."""
        with self._lock:
            now = self.clock()
            failures = self._recent(client, now)
            if failures is None or len(failures) < self.limit:
                return None
            return max(1, math.ceil(failures[0] + self.window - now))

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            failures = self._recent(client, now)
            if failures is None:
                if len(self._failures) >= self.max_clients:
                    self._forget(now)
                failures = self._failures[client] = deque()
            failures.append(now)
            while len(failures) > self.limit:
                failures.popleft()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        failures = self._failures.get(client)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[client]
            return None
        return failures

    def _forget(self, now: float) -> None:
        for client in list(self._failures):
            self._recent(client, now)
        while len(self._failures) >= self.max_clients:
            # The address first seen goes first (dicts keep insertion order).
            del self._failures[next(iter(self._failures))]


def new_key(name: str, role: str) -> ApiKey:
    """A new key for ``name`` written to FUNDGRAPH_API_KEYS_FILE (created readable by its owner only) as
    ``name:role:key``. Refused when the setting is unset, the name is taken, or the role or name is not one."""
    path = get_settings().api_keys_file
    if path is None or path == Path():  # FUNDGRAPH_API_KEYS_FILE= (empty) reads as the working directory
        raise ConfigError(
            "FUNDGRAPH_API_KEYS_FILE is not set: name the file `fundgraph serve` reads keys from "
            "(export FUNDGRAPH_API_KEYS_FILE=/path/to/keys), then run this again"
        )
    if path.is_dir():
        raise ConfigError(f"FUNDGRAPH_API_KEYS_FILE names {path}, a folder: name a file in it")
    if role not in ROLES:
        raise ConfigError(f"the role is reader or auditor, not {role!r}")
    if not NAME.fullmatch(name):
        raise ConfigError(f"{name!r} is not a key name: no spaces, ':', ',' or '#'")
    existing = parse_keys(path.read_text(encoding="utf-8"), str(path)) if path.is_file() else []
    existing += parse_keys(get_settings().api_keys)
    if any(key.name == name for key in existing):
        raise ConfigError(f"a key named {name!r} exists already (in {path} or FUNDGRAPH_API_KEYS); choose another name")
    key = ApiKey(name, role, secrets.token_urlsafe(NEW_KEY_BYTES))
    _append_private(path, f"{key.name}:{key.role}:{key.key}\n")
    return key


def _append_private(path: Path, line: str) -> None:
    # The mode is given at creation, so the file is never readable by others, not even between open and chmod.
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        if handle.tell() > 0 and not path.read_bytes().endswith(b"\n"):
            line = "\n" + line
        handle.write(line)
