"""Peak memory of the membership service during a sign-in rush.

Starts its own stack on fresh databases and a fresh vhost, creates users,
then fires rounds of concurrent sign-ins (half with the right password, half
wrong), each client from its own loopback address, and prints the membership
process's peak resident memory (VmHWM) after seeding and after the rush.

    make bench-sign-in    # or: .venv/bin/python -m tests.benchmarks.bench_sign_in --clients 40 --rounds 3
"""
import argparse
import os
import threading
import time
from pathlib import Path

import requests

from tests.benchmarks.bench_stack import bench_stack
from tests.benchmarks.measure import Result, peak_memory_mib, reference_loop_seconds
from tests.e2e.api import Api

PASSWORD = "bench-user-password-1"


def seed(base_url: str, token: str, count: int) -> list[str]:
    admin = Api(base_url, token)
    region = admin.created("/api/v1/regions", {"name": "Bench Region", "code": "BENCH"})
    emails = [f"user{n}@bench.test" for n in range(count)]
    for email in emails:
        admin.created("/api/v1/users", {"email": email, "name": email, "role": "regional_coordinator",
                                        "password": PASSWORD, "region_id": region["id"]})
    return emails


def reset_peak(pid: int) -> bool:
    """Reset the process's VmHWM to its current RSS (Linux: clear_refs 5)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def rush(base_url: str, emails: list[str], rounds: int) -> Result:
    """``rounds`` times: every client signs in at once, from its own address."""
    result = Result("POST /api/v1/auth/token", 0.0)
    lock = threading.Lock()
    barrier = threading.Barrier(len(emails))

    def client(number: int) -> None:
        api = Api(base_url, source=f"127.0.{1 + number // 250}.{1 + number % 250}")
        password = PASSWORD if number % 2 == 0 else "a-wrong-password"
        for _ in range(rounds):
            barrier.wait()
            started = time.perf_counter()
            answer = api.post("/api/v1/auth/token", {"email": emails[number], "password": password})
            with lock:
                result.latencies.append(time.perf_counter() - started)
                result.statuses[answer.status_code] = result.statuses.get(answer.status_code, 0) + 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(emails))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=10, help="MAX_WORKERS of each service")
    args = parser.parse_args()

    with bench_stack(args.workers) as (stack, token):
        emails = seed(stack.base_url, token, args.clients)
        pid = stack.running()["membership"]
        print(f"{args.clients} users; {args.clients} clients x {args.rounds} rounds, half wrong; "
              f"MAX_WORKERS={args.workers}, {os.cpu_count()} cores")
        print(f"reference loop before: {reference_loop_seconds():.2f} s (lower is a faster host)")
        print(f"membership peak memory after start and seeding: {peak_memory_mib(pid):.0f} MiB")
        if reset_peak(pid):
            print(f"membership peak memory reset to current: {peak_memory_mib(pid):.0f} MiB")
        result = rush(stack.base_url, emails, args.rounds)
        print(result.report())
        print(f"membership peak memory after the rush: {peak_memory_mib(pid):.0f} MiB")
        requests.get(f"{stack.base_url}/ready", timeout=10).raise_for_status()
        print(f"reference loop after: {reference_loop_seconds():.2f} s")


if __name__ == "__main__":
    main()
