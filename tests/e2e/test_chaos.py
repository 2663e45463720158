"""The bounded chaos run (``make chaos`` is the long one): 500 bookings from keep-alive clients that
retry with the same Idempotency-Key, while courses is killed with SIGKILL and the broker link is cut
for 10 s. The checker's every count must be 0."""
import pytest

from tests.chaos.run import run_chaos

pytestmark = pytest.mark.e2e


def test_a_rush_through_a_kill_and_a_broker_cut_loses_and_doubles_nothing():
    report = run_chaos(bookings=500, clients=10, kills=["courses"], broker_cut_seconds=10.0,
                       course_count=4, capacity=100)
    summary = "\n".join(report.lines())
    print(summary)
    assert report.ok, summary
    assert [fault.what for fault in report.faults] == ["kill -9 courses", "broker cut 10s"]
    assert report.restarts.get("courses", 0) >= 1, summary
    figures = report.verdict.figures
    assert figures["acknowledged"] == figures["stored"] == 500
    assert figures["confirmed"] == 400 and figures["waitlisted"] == 100  # every place taken, none twice
    assert figures["events"] >= 500 and figures["emails"] >= 500
