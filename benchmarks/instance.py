"""A throwaway OnRecord instance for benchmarks: private PostgreSQL and Meilisearch in a
temporary home, migrated, with the environment that points `onrecord` commands at it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from served import PrivateStores, private_stores  # noqa: E402


def onrecord_env(stores: PrivateStores, **extra: str) -> dict[str, str]:
    """This process's environment without ONRECORD_* settings, pointed at these stores."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONRECORD_")}
    env.update(
        ONRECORD_DATABASE_URL=stores.database_url,
        ONRECORD_MEILI_URL=stores.meili_url,
        ONRECORD_MEILI_MASTER_KEY=stores.meili_key,
        ONRECORD_HOME=str(stores.home),
        **extra,
    )
    return env


@dataclass(frozen=True)
class Instance:
    home: Path
    env: dict[str, str]
    meili_url: str
    meili_key: str

    def onrecord(self, *args: str) -> str:
        """Run one `onrecord` command against this instance; its stdout, or exit naming it."""
        done = subprocess.run(
            [sys.executable, "-m", "onrecord", *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise SystemExit(f"onrecord {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout


@contextmanager
def throwaway_instance(prefix: str, durable: bool = False) -> Iterator[Instance]:
    """Start, migrate, hand over; stop both services and remove the home afterwards.
    PostgreSQL runs without fsync unless `durable` (a user's instance always fsyncs)."""
    with private_stores(prefix, durable=durable) as stores:
        env = onrecord_env(stores)
        yield Instance(stores.home, env, stores.meili_url, stores.meili_key)


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss: int  # bytes
    stdout: str


def measure_onrecord(args: list[str], env: dict[str, str], cwd: Path, expect: str) -> Measured:
    """Run one `onrecord` command from `cwd` (a checkout): wall seconds, peak RSS and stdout;
    exit naming it unless it succeeds and prints `expect`. Output goes to temporary files, so
    a long one cannot stall the command while `wait4` waits for its resource usage."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "onrecord", *args], env=env, cwd=cwd, stdout=out, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        stdout = out.read().decode()
        if status != 0 or expect not in stdout:
            errors.seek(0)
            raise SystemExit(
                f"onrecord {' '.join(args)} from {cwd} failed ({status}): "
                f"{stdout}{errors.read().decode()}"
            )
    return Measured(seconds, usage.ru_maxrss * 1024, stdout)
