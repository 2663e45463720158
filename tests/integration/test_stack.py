"""deploy/stack.py runs docker-compose.yml's mailsink as compose would: healthy before what depends on
it, and not at all when SMTP_HOST names a real server.

The stack here is the real ``mailsink`` entry and its ``SMTP_*`` settings, beside a stand-in gateway
that connects to SMTP_HOST:SMTP_PORT once as it starts (and exits if nothing listens), then answers
``/ready``.
"""
import os
import re
import signal
import smtplib
import socket
import time
from email.message import EmailMessage

import pytest
import yaml

from deploy.compose_file import COMPOSE_FILE
from deploy.stack import Stack, StackError
from tests.mailbox import Mailbox, free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

STAND_IN_GATEWAY = """
import http.server, os, socket
socket.create_connection((os.environ["SMTP_HOST"], int(os.environ["SMTP_PORT"])), timeout=2).close()

class Ready(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

http.server.HTTPServer((os.environ["GATEWAY_HOST"], int(os.environ["GATEWAY_PORT"])), Ready).serve_forever()
"""


@pytest.fixture
def compose_file(tmp_path):
    real = yaml.safe_load(COMPOSE_FILE.read_text())
    smtp = {key: value for key, value in real["x-app"]["environment"].items() if key.startswith("SMTP_")}
    gateway = {
        "build": ".", "command": ["python", "-c", STAND_IN_GATEWAY],
        "environment": {**smtp, "GATEWAY_HOST": "0.0.0.0", "GATEWAY_PORT": "8000"},
        "ports": ["${GATEWAY_PORT:-8000}:8000"],
        "depends_on": {"mailsink": {"condition": "service_healthy"}},
    }
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump({"services": {"mailsink": real["services"]["mailsink"], "gateway": gateway}}))
    return path


@pytest.fixture
def settings(tmp_path):
    return {"SMTP_HOST": "", "SMTP_PORT": str(free_port()), "MAIL_SINK_HTTP_PORT": str(free_port()),
            "MAIL_SINK_DIR": str(tmp_path / "mail"), "GATEWAY_PORT": str(free_port())}


def _refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_the_sink_is_healthy_before_its_dependents_start_and_keeps_what_they_send(compose_file, settings,
                                                                                   tmp_path):
    stack = Stack(settings, run_dir=tmp_path / "run", compose_file=compose_file)
    stack.up(timeout=30)
    try:
        assert set(stack.running()) == {"mailsink", "gateway"}
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = "Through the stack", "a@alliance.test", "b@school.test"
        message.set_content("Kept.")
        with smtplib.SMTP("127.0.0.1", int(settings["SMTP_PORT"]), timeout=10) as smtp:
            smtp.send_message(message)
        mailbox = Mailbox(stack.url("mailsink"))
        assert [m["subject"] for m in mailbox.wait_for(1)] == ["Through the stack"]
        assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
    finally:
        assert sorted(stack.down()) == ["gateway", "mailsink"]
    assert _refused(int(settings["MAIL_SINK_HTTP_PORT"])) and _refused(int(settings["SMTP_PORT"]))


def test_with_smtp_host_set_no_sink_starts_and_the_dependents_use_that_server(compose_file, settings, tmp_path):
    with socket.socket() as real_server:
        real_server.bind(("127.0.0.1", 0))
        real_server.listen()
        settings.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(real_server.getsockname()[1]))
        stack = Stack(settings, run_dir=tmp_path / "run", compose_file=compose_file)
        stack.up(timeout=30)
        try:
            assert set(stack.running()) == {"gateway"}
            assert _refused(int(settings["MAIL_SINK_HTTP_PORT"]))
        finally:
            stack.down()


def test_a_sink_that_cannot_start_stops_the_stack_with_its_log(compose_file, settings, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", int(settings["SMTP_PORT"])))
        taken.listen()
        stack = Stack(settings, run_dir=tmp_path / "run", compose_file=compose_file)
        with pytest.raises(StackError, match="mailsink exited before it was healthy"):
            stack.up(timeout=30)
    assert stack.running() == {}


def test_the_supervisor_restarts_a_killed_process_and_counts_it(compose_file, settings, tmp_path):
    stack = Stack(settings, run_dir=tmp_path / "run", compose_file=compose_file)
    stack.up(timeout=30)
    try:
        with pytest.raises(StackError, match="already running"):
            stack.start("gateway")
        with pytest.raises(StackError, match="not a long-running process"):
            stack.start("postgres")
        killed = stack.running()["gateway"]
        os.kill(killed, signal.SIGKILL)

        restarted = wait_until(lambda: (lambda pid: pid not in (None, killed) and pid)(
            stack.running().get("gateway")), timeout=10)
        stack.wait_ready(timeout=30)
        record = stack.state()["processes"]["gateway"]
        assert record["restarts"] == 1 and record["last_exit"] == "killed by SIGKILL"
        assert record["pid"] == restarted
        assert (tmp_path / "run" / "pids" / "gateway.pid").read_text().split() == [str(restarted)]
        assert "gateway exited (killed by SIGKILL)" in (tmp_path / "run" / "logs" / "supervisor.log").read_text()
    finally:
        assert sorted(stack.down()) == ["gateway", "mailsink"]
    assert stack.supervisor_pid() is None and stack.running() == {}


def test_a_process_stopped_on_request_stays_stopped_until_started(compose_file, settings, tmp_path):
    stack = Stack(settings, run_dir=tmp_path / "run", compose_file=compose_file)
    stack.up(timeout=30)
    try:
        stack.stop("mailsink", signal.SIGKILL)
        time.sleep(1.5)  # three times the first restart delay
        assert "mailsink" not in stack.running() and stack.held("mailsink")
        assert stack.state()["processes"]["mailsink"]["restarts"] == 0

        started = stack.start("mailsink")
        assert stack.running()["mailsink"] == started and not stack.held("mailsink")
        assert stack.state()["processes"]["mailsink"]["restarts"] == 0  # asked for, not a restart
    finally:
        stack.down()


def test_a_process_that_keeps_dying_is_restarted_with_growing_delays(compose_file, settings, tmp_path):
    document = yaml.safe_load(compose_file.read_text())
    document["services"]["gateway"]["command"] = ["python", "-c", "import sys; sys.exit(3)"]
    compose_file.write_text(yaml.safe_dump(document))
    stack = Stack(settings, run_dir=tmp_path / "run", compose_file=compose_file)
    with pytest.raises(StackError, match="gateway keep exiting before"):
        stack.up(timeout=30)
    log = (tmp_path / "run" / "logs" / "supervisor.log").read_text()
    delays = [float(d) for d in re.findall(r"gateway exited \(exit code 3\) after [0-9.]+s; restarting in ([0-9.]+)s",
                                           log)]
    assert delays[:3] == [0.5, 1.0, 2.0]
    assert stack.running() == {} and stack.supervisor_pid() is None
