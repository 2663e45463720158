"""The supervisor's back-off and how it words an exit."""
from deploy.supervisor import RESTART_MAX_DELAY_SECONDS, describe_exit, restart_delay


def test_the_delay_doubles_from_half_a_second_to_a_cap():
    assert [restart_delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert restart_delay(50) == RESTART_MAX_DELAY_SECONDS == 30.0


def test_exits_are_worded_for_people():
    assert describe_exit(-9) == "killed by SIGKILL"
    assert describe_exit(-15) == "killed by SIGTERM"
    assert describe_exit(1) == "exit code 1"
