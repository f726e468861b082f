"""Past one machine: API processes behind a real load balancer sharing their rate limits
through Redis (ONRECORD_RATE_LIMIT_STORAGE), and what happens when Redis is down.

Needs Redis at 127.0.0.1:6379 (ONRECORD_TEST_REDIS_URL overrides it; the tests use db 15
and a key prefix of their own, removed afterwards) and, for the load balancer, Debian's
`haproxy`; each test skips with the reason when its part is absent.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from pydantic import ValidationError

from api.errors import APIError
from api.rate_limits import RateLimits
from db.services import free_port
from db.settings import ResolvedSettings, Settings
from tests.conftest import REPO, cli_env

REDIS_URL = os.environ.get("ONRECORD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in the test Redis, its keys deleted afterwards."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    prefix = f"onrecord-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def limiter(prefix: str, storage: str = REDIS_URL) -> RateLimits:
    return RateLimits("3/minute", "3/minute", "3/minute", storage=storage, key_prefix=prefix)


def refused(limits: RateLimits, identity: str) -> bool:
    try:
        limits.hit("search", identity)
    except APIError as exc:
        assert exc.status_code == 429
        assert int((exc.headers or {})["Retry-After"]) >= 1
        return True
    return False


def test_limiters_over_one_redis_share_one_allowance(redis_prefix: str) -> None:
    first, second = limiter(redis_prefix), limiter(redis_prefix)
    answers = [refused(limits, "ip:198.51.100.7") for limits in (first, second, first, second)]
    assert answers == [False, False, False, True]
    assert refused(first, "ip:198.51.100.7")
    assert not refused(second, "ip:198.51.100.8")  # another address has its own allowance
    assert first.health() == "ok"
    # the failed-authentication limit is shared the same way
    for _ in range(3):
        first.hit("auth", "ip:198.51.100.9")
    with pytest.raises(APIError):
        second.check("auth", "ip:198.51.100.9")


def test_an_unreachable_redis_counts_in_the_process_and_logs_once_without_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = free_port()  # nothing listens there
    limits = limiter("unused", storage=f"redis://:hunter2-secret@127.0.0.1:{port}/0")
    with caplog.at_level(logging.WARNING, logger="api.rate_limits"):
        answers = [refused(limits, "ip:198.51.100.7") for _ in range(5)]
    assert answers == [False, False, False, True, True]  # still limited, by this process
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert f"redis://127.0.0.1:{port}/0 unreachable" in warnings[0]
    assert "hunter2" not in caplog.text
    assert limits.health() == "unreachable: counted in this process"


def start_redis(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return server
        except redis.RedisError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.05)


def test_limits_go_back_to_redis_when_it_answers_again(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (Debian package `redis-server`)")
    monkeypatch.setattr("api.rate_limits.SHARED_RETRY", 0.2)
    port = free_port()
    server = start_redis(port)
    limits = limiter("recovery", storage=f"redis://127.0.0.1:{port}/0")
    client = redis.Redis(port=port)
    try:
        with caplog.at_level(logging.WARNING, logger="api.rate_limits"):
            limits.hit("search", "ip:198.51.100.7")
            assert client.keys("recovery:*")  # counted in Redis
            server.terminate()
            server.wait(timeout=10)
            limits.hit("search", "ip:198.51.100.7")  # counted here: no error
            server = start_redis(port)  # empty: nothing was saved
            time.sleep(0.3)
            limits.hit("search", "ip:198.51.100.7")
            assert client.keys("recovery:*")  # counted in Redis again
        messages = [record.getMessage() for record in caplog.records]
        assert len(messages) == 2, messages
        assert "unreachable" in messages[0]
        assert "answers again" in messages[1]
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


def test_storage_schemes_other_than_memory_and_redis_are_refused_without_the_url() -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(rate_limit_storage="mongodb://user:hunter2@db.example/limits")
    assert "'mongodb'" in str(raised.value)
    assert "hunter2" not in str(raised.value)
    assert Settings(rate_limit_storage="rediss://:pw@redis.example:6380/2").rate_limit_storage


# --- two `onrecord serve` processes behind HAProxy ---------------------------------------

HAPROXY_CONFIG = """\
global
    maxconn 256

defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend api
    bind 127.0.0.1:{port}
    default_backend onrecord

backend onrecord
    balance roundrobin
    option httpchk GET /healthz
    http-response set-header X-Served-By %[srv_name]
{servers}
"""


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited {process.returncode}:\n{log.read_text()[-3000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}:\n{log.read_text()[-3000:]}")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)


def test_api_processes_behind_haproxy_enforce_one_shared_limit(
    settings: ResolvedSettings, redis_prefix: str, tmp_path: Path
) -> None:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        pytest.skip("haproxy is not installed (Debian package `haproxy`; .ci/run installs it)")
    env = cli_env(settings) | {
        "ONRECORD_RATE_LIMIT_STORAGE": REDIS_URL,
        "ONRECORD_RATE_LIMIT_KEY_PREFIX": redis_prefix,
        "ONRECORD_RATE_LIMIT_SEARCH": "10/minute",
        "ONRECORD_RATE_LIMIT_AUTH_FAILURE": "3/minute",
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        ports = [free_port(), free_port()]
        for n, port in enumerate(ports):
            log = tmp_path / f"api{n}.log"
            command = [sys.executable, "-m", "onrecord", "serve", "--port", str(port)]
            processes.append(start(command, env, log))
        for n, (port, process) in enumerate(zip(ports, processes, strict=True)):
            wait_for_port(port, process, tmp_path / f"api{n}.log")
        front = free_port()
        servers = "\n".join(
            f"    server api{n} 127.0.0.1:{port} check inter 2s" for n, port in enumerate(ports)
        )
        config = tmp_path / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=front, servers=servers))
        log = tmp_path / "haproxy.log"
        processes.append(start([haproxy, "-db", "-f", str(config)], os.environ.copy(), log))
        wait_for_port(front, processes[-1], log)

        with httpx.Client(base_url=f"http://127.0.0.1:{front}", timeout=30) as client:
            answers = [client.get("/v1/search", params={"q": "budget"}) for _ in range(12)]
            wrong = {"X-API-Key": "not-a-key"}
            guesses = [client.get("/v1/search", headers=wrong) for _ in range(4)]
            ready = client.get("/readyz").json()["checks"]
        served_by = [answer.headers["X-Served-By"] for answer in answers]
        codes = [answer.status_code for answer in answers]
        assert served_by == ["api0", "api1"] * 6  # the balancer alternates between processes
        assert codes == [200] * 10 + [429, 429]  # and the 11th request is refused by either
        assert answers[10].json()["error"]["code"] == "rate_limited"
        # wrong keys count against the address in every process alike
        assert [guess.status_code for guess in guesses] == [401, 401, 401, 429]
        assert {guess.headers["X-Served-By"] for guess in guesses} == {"api0", "api1"}
        assert ready["rate_limits"] == "ok"
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


# --- the compose stack ---------------------------------------------------------------------


def test_compose_points_every_replica_at_redis_and_names_only_real_settings() -> None:
    import yaml

    services = yaml.safe_load((REPO / "compose.yaml").read_text())["services"]
    assert {"redis", "api", "worker", "lb"} <= set(services)
    assert services["api"]["command"][:2] == ["onrecord", "serve"]
    assert services["worker"]["command"] == ["onrecord", "worker"]
    for name in ("api", "worker", "migrate"):
        env = services[name]["environment"]
        assert env["ONRECORD_RATE_LIMIT_STORAGE"].startswith("redis://")
        known = {f"ONRECORD_{field.upper()}" for field in Settings.model_fields}
        assert {key for key in env if key.startswith("ONRECORD_")} <= known
    assert "replicas" in services["api"]["deploy"]
    trusted = services["api"]["environment"]["ONRECORD_TRUSTED_PROXIES"]
    assert services["lb"]["networks"]["default"]["ipv4_address"] == trusted


def test_the_load_balancer_config_is_valid() -> None:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        pytest.skip("haproxy is not installed (Debian package `haproxy`; .ci/run installs it)")
    checked = subprocess.run(
        [haproxy, "-c", "-f", str(REPO / "deploy" / "haproxy.cfg")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
