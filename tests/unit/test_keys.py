"""API keys: `fundgraph keys new`, and the throttle on wrong keys. No Neo4j: /api/v1/session needs only a key."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fundgraph.api import create_app
from fundgraph.api.auth import (
    FAILURE_WINDOW_S,
    MAX_FAILURES,
    ApiKey,
    KeyThrottle,
    keys_from_environment,
    parse_keys,
)
from fundgraph.cli import app as cli

READER = ApiKey("bob", "reader", "bob-secret-key-000002")
RIGHT = {"Authorization": f"Bearer {READER.key}"}
WRONG = {"Authorization": "Bearer not-the-key-at-all"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_defaults_allow_ten_wrong_keys_a_minute() -> None:
    assert (MAX_FAILURES, FAILURE_WINDOW_S) == (10, 60.0)
    throttle = KeyThrottle()
    assert (throttle.limit, throttle.window) == (MAX_FAILURES, FAILURE_WINDOW_S)


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def api(clock: Clock) -> Iterator[TestClient]:
    throttle = KeyThrottle(limit=3, window=60.0, clock=clock)
    with TestClient(create_app([READER], key_throttle=throttle)) as client:
        yield client


def test_wrong_keys_from_one_address_get_429_until_the_window_passes(api: TestClient, clock: Clock) -> None:
    for _ in range(3):
        assert api.get("/api/v1/session", headers=WRONG).status_code == 401
        clock.now += 10
    refused = api.get("/api/v1/session", headers=RIGHT)
    # Refused before the key is looked at: the right key waits too, for the oldest failure to be a window old.
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert api.get("/api/v1/session").status_code == 429
    clock.now += 29
    assert api.get("/api/v1/session", headers=RIGHT).headers["Retry-After"] == "1"
    clock.now += 1
    assert api.get("/api/v1/session", headers=RIGHT).status_code == 200
    # One failure has left the window, two are in it: one more wrong key fills it again.
    assert api.get("/api/v1/session", headers=WRONG).status_code == 401
    assert api.get("/api/v1/session", headers=RIGHT).status_code == 429


def test_right_keys_and_missing_keys_do_not_count(api: TestClient) -> None:
    for _ in range(10):
        assert api.get("/api/v1/session", headers=RIGHT).status_code == 200
        assert api.get("/api/v1/session").status_code == 401
        assert api.get("/api/v1/session", headers={"Authorization": "Basic abc"}).status_code == 401
    for _ in range(2):
        assert api.get("/api/v1/session", headers=WRONG).status_code == 401
    assert api.get("/api/v1/session", headers=RIGHT).status_code == 200


def test_addresses_are_throttled_apart(api: TestClient) -> None:
    for _ in range(3):
        api.get("/api/v1/session", headers=WRONG)
    assert api.get("/api/v1/session", headers=RIGHT).status_code == 429
    other = TestClient(api.app, client=("192.0.2.7", 50000))
    assert other.get("/api/v1/session", headers=RIGHT).status_code == 200


def test_the_table_of_addresses_is_bounded(clock: Clock) -> None:
    throttle = KeyThrottle(limit=2, window=60.0, clock=clock, max_clients=3)
    for address in ("a", "b", "c", "d"):
        throttle.failed(address)
        throttle.failed(address)
    assert throttle.retry_after("a") is None  # forgotten: the first seen makes room
    assert [throttle.retry_after(x) for x in ("b", "c", "d")] == [60, 60, 60]


@pytest.fixture()
def keys_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "keys"
    monkeypatch.setenv("FUNDGRAPH_API_KEYS_FILE", str(path))
    monkeypatch.delenv("FUNDGRAPH_API_KEYS", raising=False)
    return path


def test_keys_new_appends_a_long_random_key_to_a_private_file(keys_file: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "new", "carol", "--role", "auditor"])
    assert made.exit_code == 0, made.output
    key = made.stdout.strip()
    assert len(key) >= 43  # 256 bits in base64url; 128 bits would be 22 characters
    assert stat.S_IMODE(keys_file.stat().st_mode) == 0o600
    assert keys_file.read_text(encoding="utf-8") == f"carol:auditor:{key}\n"
    second = runner.invoke(cli, ["keys", "new", "dave", "--role", "reader"])
    assert second.exit_code == 0, second.output
    keys = keys_from_environment()
    assert [(k.name, k.role) for k in keys] == [("carol", "auditor"), ("dave", "reader")]
    assert keys[0].key == key and keys[1].key != key
    assert key not in second.stdout


def test_keys_new_appends_after_a_last_line_without_newline(keys_file: Path) -> None:
    keys_file.parent.mkdir()
    keys_file.write_text("erin:reader:erin-secret-key-01", encoding="utf-8")
    assert CliRunner().invoke(cli, ["keys", "new", "frank", "--role", "reader"]).exit_code == 0
    assert [k.name for k in parse_keys(keys_file.read_text(encoding="utf-8"))] == ["erin", "frank"]


def test_keys_new_refuses_a_name_taken_and_leaves_the_file_alone(
    keys_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["keys", "new", "carol", "--role", "reader"]).exit_code == 0
    before = keys_file.read_bytes()
    again = runner.invoke(cli, ["keys", "new", "carol", "--role", "auditor"])
    assert again.exit_code != 0 and "exists already" in str(again.exception)
    monkeypatch.setenv("FUNDGRAPH_API_KEYS", "gina:reader:gina-secret-key-01")
    from fundgraph.config import get_settings

    get_settings.cache_clear()
    in_environment = runner.invoke(cli, ["keys", "new", "gina", "--role", "reader"])
    assert "exists already" in str(in_environment.exception)
    assert keys_file.read_bytes() == before


@pytest.mark.parametrize(
    ("name", "role", "says"),
    [("a:b", "reader", "not a key name"), ("a b", "reader", "not a key name"), ("x", "admin", "reader or auditor")],
)
def test_keys_new_refuses_a_bad_name_or_role(keys_file: Path, name: str, role: str, says: str) -> None:
    made = CliRunner().invoke(cli, ["keys", "new", name, "--role", role])
    assert made.exit_code != 0 and says in str(made.exception)
    assert not keys_file.exists()


def test_keys_new_needs_the_keys_file_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUNDGRAPH_API_KEYS_FILE", raising=False)
    made = CliRunner().invoke(cli, ["keys", "new", "carol", "--role", "reader"])
    assert made.exit_code != 0 and "FUNDGRAPH_API_KEYS_FILE is not set" in str(made.exception)
