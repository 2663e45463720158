"""``make chaos``: python -m tests.chaos [--bookings 5000] [--clients 20] [--broker-cut 10]"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import sys  # noqa: E402

from tests.chaos.run import EVERY_PROCESS, run_chaos  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__)
    parser.add_argument("--bookings", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--broker-cut", type=float, default=10.0, help="seconds the broker link is cut")
    parser.add_argument("--kill", action="append", choices=EVERY_PROCESS,
                        help="processes to kill -9, once each (default: every service and the gateway)")
    args = parser.parse_args()
    report = run_chaos(args.bookings, args.clients, args.kill, args.broker_cut,
                       say=lambda line: print(line, flush=True))
    print("\n".join(report.lines()), flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
