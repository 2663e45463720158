"""Throughput and latency of GET /api/v1/schools/{urn} and POST /api/v1/schools.

Starts its own stack (from docker-compose.yml's commands) on fresh databases
and a fresh vhost, drives it with concurrent keep-alive clients from this
process, prints the figures, and stops the stack.

    make bench-schools    # or: .venv/bin/python -m tests.benchmarks.bench_schools --clients 20 --seconds 15
"""
import argparse
import itertools
import os
import random

import requests

from tests.benchmarks.bench_stack import bench_stack
from tests.benchmarks.measure import peak_memory_mib, reference_loop_seconds, run_load


def seed(base_url: str, token: str, count: int) -> list[str]:
    urns = [f"{700000 + n}" for n in range(count)]
    with requests.Session() as http:
        for urn in urns:
            http.post(f"{base_url}/api/v1/schools", headers={"Authorization": f"Bearer {token}"}, json={
                "urn": urn, "name": f"Seed School {urn}", "local_authority": "Leicestershire",
                "phase": "primary"}).raise_for_status()
    return urns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=10, help="MAX_WORKERS of each service")
    args = parser.parse_args()

    with bench_stack(args.workers) as (stack, token):
        base = stack.base_url
        urns = seed(base, token, 500)
        print(f"stack up at {base}; {len(urns)} schools seeded; {args.clients} clients, "
              f"{args.seconds:.0f}s per phase, MAX_WORKERS={args.workers}, {os.cpu_count()} cores")
        print(f"reference loop before: {reference_loop_seconds():.2f} s (lower is a faster host)")
        read = lambda c, n: ("GET", f"/api/v1/schools/{random.choice(urns)}", None)  # noqa: E731
        run_load(base, token, "warm-up", args.clients, 3, read)
        reads = run_load(base, token, "GET  /api/v1/schools/{urn}", args.clients, args.seconds, read)
        fresh = itertools.count(800000)
        writes = run_load(base, token, "POST /api/v1/schools", args.clients, args.seconds,
                          lambda c, n: ("POST", "/api/v1/schools", {
                              "urn": str(next(fresh)), "name": "Bench School", "local_authority": "Leicester",
                              "phase": "secondary"}))
        print(reads.report())
        print(writes.report())
        for name, pid in sorted(stack.running().items()):
            print(f"peak memory {name}: {peak_memory_mib(pid):.0f} MiB")
        print(f"reference loop after: {reference_loop_seconds():.2f} s")


if __name__ == "__main__":
    main()
