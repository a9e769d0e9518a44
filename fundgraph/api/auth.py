"""API keys: ``name:role:key`` from FUNDGRAPH_API_KEYS (comma-separated) or FUNDGRAPH_API_KEYS_FILE (one a line).

Roles: ``reader`` (lookups, analytics, the catalogue) and ``auditor`` (also ad-hoc Cypher). Keys are sent as
``Authorization: Bearer KEY`` and compared in constant time. With no key configured, ``fundgraph serve`` makes a
one-time auditor key; the API is never open.

>>> [k.name for k in parse_keys("alice:auditor:s3cret-alice-key, bob:reader:s3cret-bob-key")]
['alice', 'bob']
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from fundgraph.config import get_settings
from fundgraph.errors import ConfigError

ROLES = ("reader", "auditor")
MIN_KEY_LENGTH = 12


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
