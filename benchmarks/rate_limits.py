"""What sharing rate limits through Redis costs a request: `RateLimits.hit` counted in the
process's memory (the baseline) against counted in Redis, measured in the same run.

    python benchmarks/rate_limits.py [--redis redis://127.0.0.1:6379/15] [--hits 2000] [--rounds 5]

The two sides alternate round by round (memory first in odd rounds, Redis first in even
ones), so load drift on a shared machine falls on both; every hit is a new identity's or an
existing one's under a limit it never reaches, as a search under its allowance is. The keys
written go under a prefix of this run's own and are deleted at the end. Prints the median
microseconds per hit of each side and their ratio, and this process's CPU seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.rate_limits import RateLimits


def per_hit_us(limits: RateLimits, hits: int, tag: str) -> float:
    start = time.perf_counter()
    for n in range(hits):
        limits.hit("search", f"ip:{tag}-{n % 100}")
    return (time.perf_counter() - start) / hits * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--hits", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    client = redis.Redis.from_url(args.redis, socket_connect_timeout=1)
    client.ping()
    prefix = f"onrecord-bench-{uuid.uuid4().hex[:8]}"
    limit = "1000000/minute"
    sides = {
        "memory": RateLimits(limit, limit, limit),
        "redis": RateLimits(limit, limit, limit, storage=args.redis, key_prefix=prefix),
    }
    times: dict[str, list[float]] = {name: [] for name in sides}
    cpu = time.process_time()
    try:
        for round_ in range(args.rounds):
            order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
            for name in order:
                times[name].append(per_hit_us(sides[name], args.hits, f"{round_}"))
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    cpu = time.process_time() - cpu
    memory, shared = (statistics.median(times[name]) for name in ("memory", "redis"))
    print(f"hits per side per round: {args.hits}, rounds: {args.rounds}")
    print(f"memory://  {memory:8.1f} µs per hit (baseline)")
    print(f"redis      {shared:8.1f} µs per hit  ratio {shared / memory:.1f}× memory")
    print(f"this process: {cpu:.1f} CPU-s")


if __name__ == "__main__":
    main()
