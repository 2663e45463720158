"""One step of scaling out: one gateway and one courses process, then two of each, behind one broker.

Starts a stack with two courses replicas and a second gateway process, with
notifications stopped, and books from 20 keep-alive clients for 20 s twice,
each time on 20 courses of their own: first through one gateway with the
second courses replica stopped, then through both gateways (client n on
gateway n % 2) with both courses replicas consuming. Prints bookings/s,
p50/p99, CPU per booking by process and how busy the machine was, so the
scaling can be read against the cores available.

    make bench-scaling   # or: .venv/bin/python -m tests.benchmarks.bench_scaling --clients 20 --seconds 20
"""
import argparse
import os
import subprocess
from urllib.parse import urlsplit

from deploy.stack import Stack
from tests.benchmarks.bench_bookings import COURSES, Client, check, rush, seed
from tests.benchmarks.bench_stack import bench_stack
from tests.benchmarks.measure import reference_loop_seconds
from tests.e2e.gateways import another_gateway
from tests.waiting import wait_until


def consumers(stack: Stack, queue: str) -> int:
    """How many consumers ``queue`` has on the stack's vhost."""
    vhost = urlsplit(stack.host_env["AMQP_URI"]).path.lstrip("/")
    listed = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost, "name", "consumers"],
                            capture_output=True, text=True, check=True).stdout.split("\n")
    return next((int(line.split()[1]) for line in listed if line.split()[:1] == [queue]), 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=10, help="MAX_WORKERS of each service")
    args = parser.parse_args()

    with bench_stack(args.workers, {"courses": 2}) as (stack, token):
        api = Client(stack.base_url, token)
        courses, urns = seed(api, COURSES * 2)
        with another_gateway(stack, {}, stack.run_dir / "logs") as second:  # /ready asks every service
            stack.stop("notifications")
            print(f"{args.clients} clients for {args.seconds:.0f}s per rush; MAX_WORKERS={args.workers}; "
                  f"{os.cpu_count()} cores; notifications stopped")
            print(f"reference loop before: {reference_loop_seconds():.2f} s (lower is a faster host)")
            stack.stop("courses-2")
            one = rush(stack, token, [c["id"] for c in courses[:COURSES]], urns, args.clients, args.seconds,
                       None, "1-gateway-1-courses")
            print(f"invariants hold: {check(api, courses[:COURSES], set(urns[:30]))}")
            stack.start("courses-2")
            wait_until(lambda: consumers(stack, "rpc-courses") == 2, timeout=60, interval=0.5)
            two = rush(stack, token, [c["id"] for c in courses[COURSES:]], urns, args.clients, args.seconds,
                       None, "2-gateways-2-courses", gateways=[stack.base_url, second.base_url],
                       also_measured={"gateway-2": second.pid})
            print(f"invariants hold: {check(api, courses[COURSES:], set(urns[:30]))}")
            print(f"scaling: {two.rate / one.rate:.2f}x the bookings/s with twice the gateways and courses "
                  f"processes on {os.cpu_count()} cores")
            print(f"reference loop after: {reference_loop_seconds():.2f} s")


if __name__ == "__main__":
    main()
