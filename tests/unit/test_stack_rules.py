"""How deploy/stack.py reads docker-compose.yml: the mail sink, x-unless-set, the entry point."""
from pathlib import Path

import pytest
import yaml

from deploy.compose_file import COMPOSE_FILE, load_services
from deploy.stack import Stack, StackError


def _stack(env: dict, tmp_path: Path, compose_file: Path = COMPOSE_FILE) -> Stack:
    return Stack(env, run_dir=tmp_path, compose_file=compose_file)


def test_without_smtp_host_the_services_send_to_the_local_sink(tmp_path):
    stack = _stack({"SMTP_HOST": "", "SMTP_PORT": "", "MAIL_SINK_HTTP_PORT": "18025", "GATEWAY_PORT": "8000"},
                   tmp_path)
    sink = stack.services["mailsink"]
    assert sink.command == ["python", "-m", "deploy.mail_sink"]
    assert sink.environment["MAIL_SINK_HOST"] == "127.0.0.1"  # 0.0.0.0 in compose, published here
    assert sink.environment["MAIL_SINK_HTTP_PORT"] == "18025"  # the published port
    assert sink.environment["MAIL_SINK_SMTP_PORT"] == "1025"
    assert sink.healthcheck is not None and sink.healthcheck[0] == "python"
    assert stack.url("mailsink") == "http://127.0.0.1:18025"
    for name in ("membership", "courses", "support", "gateway"):
        assert stack.services[name].environment["SMTP_HOST"] == "127.0.0.1"  # mailsink, a build: service
        assert stack.services[name].environment["SMTP_PORT"] == "1025"
    assert stack.http_service.name == "gateway" and stack.base_url == "http://127.0.0.1:8000"


def test_smtp_port_is_where_the_sink_listens_and_where_the_services_send(tmp_path):
    services = load_services(COMPOSE_FILE, {"SMTP_PORT": "11025"})
    assert services["mailsink"].environment["MAIL_SINK_SMTP_PORT"] == "11025"
    assert services["support"].environment["SMTP_PORT"] == "11025"


def test_with_smtp_host_no_sink_runs_and_the_services_send_to_that_server(tmp_path):
    env = {"SMTP_HOST": "smtp.example.org", "SMTP_PORT": "587", "SMTP_USER": "alliance",
           "SMTP_PASSWORD": "secret", "SMTP_STARTTLS": "1"}
    stack = _stack(env, tmp_path)
    assert "mailsink" not in stack.services and "mailsink" not in stack.instances()
    for name in ("membership", "courses", "support", "gateway"):
        assert {k: v for k, v in stack.services[name].environment.items() if k.startswith("SMTP_")} == env
    assert stack.http_service.name == "gateway"
    with pytest.raises(StackError, match="mailsink"):
        stack.url("mailsink")


def test_x_unless_set_drops_the_service_and_every_dependency_on_it(tmp_path):
    compose = tmp_path / "compose.yml"
    healthy = {"condition": "service_healthy"}
    compose.write_text(yaml.safe_dump({"services": {
        "broker": {"image": "rabbitmq"},
        "sink": {"build": ".", "x-unless-set": "REAL_SINK", "command": ["sink"],
                 "healthcheck": {"test": ["CMD-SHELL", "check sink"]}},
        "worker": {"build": ".", "command": ["worker"], "environment": {"TO": "sink:25", "BROKER": "broker"},
                   "depends_on": {"sink": healthy, "broker": healthy}},
        "gateway": {"build": ".", "command": ["gateway"], "ports": ["8000:8000"], "depends_on": ["worker"]},
    }}))
    local = load_services(compose, {})
    assert list(local) == ["sink", "worker", "gateway"]
    assert local["worker"].depends_on == {"sink": "service_healthy"}
    assert local["worker"].environment == {"TO": "127.0.0.1:25", "BROKER": "127.0.0.1"}
    assert local["sink"].healthcheck == ["sh", "-c", "check sink"]

    real = load_services(compose, {"REAL_SINK": "mail.example.org"})
    assert list(real) == ["worker", "gateway"] and real["worker"].depends_on == {}
    assert list(load_services(compose, {"REAL_SINK": ""})) == ["sink", "worker", "gateway"]  # empty is unset


def test_the_entry_point_is_the_gateway_whatever_else_publishes_a_port(tmp_path):
    compose = tmp_path / "compose.yml"
    services = {
        "sink": {"build": ".", "command": ["sink"], "ports": ["8025:8025"]},
        "gateway": {"build": ".", "command": ["gateway"], "ports": ["${GATEWAY_PORT:-8000}:8000"]},
    }
    compose.write_text(yaml.safe_dump({"services": services}))
    assert _stack({"GATEWAY_PORT": "18000"}, tmp_path, compose).base_url == "http://127.0.0.1:18000"

    del services["gateway"]
    compose.write_text(yaml.safe_dump({"services": services}))
    with pytest.raises(StackError, match="gateway"):
        _stack({}, tmp_path, compose)
