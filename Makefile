# Alliance Network on this machine, without Docker (see shared/API.md "Running it").
#   make up       virtualenv, install, RabbitMQ/PostgreSQL, migrations, every
#                 service and the gateway from docker-compose.yml, demo data
#                 (DEMO_DATA=0 to skip); returns once GET /ready answers 200
#   make down     stop what `make up` started
#   make mail     the local mailbox's URL (the mail sink `make up` runs unless SMTP_HOST is set)
#   make test     every test (they create their own databases), browser tests in Chromium included
#   make web      build the web app (web/dist) with Vite from the pinned web/package-lock.json
#   make lint     ruff: imports, unused names, style
#   make bench    the booking-rush benchmark (make bench-schools: the schools one;
#                 make bench-sign-in: membership's memory in a sign-in rush;
#                 make bench-support: referrals, matches and the board at a region's scale;
#                 make bench-notify: booking answered -> email accepted and webhook received, at 100/s;
#                 make bench-web: the web app's page-usable times and script/style bytes against their budgets;
#                 make bench-scaling: one gateway and one courses process, then two of each;
#                 make bench-lists: GET lists' first and deep pages at ~1k rows and at 1M bookings, p99 ratio, EXPLAIN)
#   make chaos    5,000 bookings while every service and the gateway is killed with SIGKILL and the broker link is
#                 cut for 10 s; then counts what was lost, doubled or overbooked (each must be 0)
#   make fuzz     a long contract-fuzzing run (schemathesis, every role) on a stack of its own
#   make compose-check   validate docker-compose.yml (Debian's docker-compose)
#   make backup   every service's database, dumped into one file backups/alliance-<UTC time>.tar
#                 (with a manifest: revisions, row counts, sha256s); the stack may be running
#   make restore FILE=backups/alliance-....tar   bring every database back to that backup
#                 (run `make down` first; `make up` afterwards starts the stack on it)

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
GATEWAY_PORT ?= 8000
ADMIN_EMAIL ?= admin@alliance.local
DEMO_DATA ?= 1

.PHONY: up down status logs mail test lint web browser chaos bench bench-schools bench-sign-in bench-support bench-notify bench-scaling bench-web bench-lists fuzz compose-check services venv backup restore

venv: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

services:
	bash deploy/ensure-services.sh

# The web app: npm ci from the lock file, then a Vite build, only when a source is newer than the build.
WEB_SOURCES := $(wildcard web/src/*.js web/src/*/*.js web/src/*.css web/src/*.svg) web/index.html web/vite.config.js
web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npx vite build --logLevel warn

# Debian's Chromium and ChromeDriver for the browser tests (installed when missing and apt-get can).
browser:
	@bash deploy/ensure-browser.sh

# On this machine webhooks may target local receivers (off by default elsewhere: SSRF).
up: export WEBHOOK_ALLOW_PRIVATE ?= 1
up: venv services web
	$(PY) -m deploy.stack up
	@if [ "$(DEMO_DATA)" != "0" ]; then $(PY) -m deploy.demo_data --base-url http://127.0.0.1:$(GATEWAY_PORT); fi
	@echo ""
	@echo "Alliance Network is up"
	@echo "  gateway: http://127.0.0.1:$(GATEWAY_PORT)"
	@echo "  docs:    http://127.0.0.1:$(GATEWAY_PORT)/docs"
	@echo "  admin:   $(ADMIN_EMAIL) (password: ADMIN_PASSWORD, default change-me-now)"
	@mailbox="$$($(PY) -m deploy.stack url mailsink 2>/dev/null)" \
		&& echo "  mailbox: $$mailbox (every message sent; files in $${MAIL_SINK_DIR:-.run/mail}/)" \
		|| echo "  mail:    sent to $$SMTP_HOST (SMTP_HOST is set: no local mailbox)"
	@echo "  logs:    .run/logs/   stop with: make down"

down:
	@if [ -x $(PY) ]; then $(PY) -m deploy.stack down; else echo "no $(VENV): nothing to stop"; fi

status: venv
	$(PY) -m deploy.stack status

logs: venv
	$(PY) -m deploy.stack logs

mail: venv
	@$(PY) -m deploy.stack url mailsink 2>/dev/null \
		|| { echo "no local mailbox: SMTP_HOST is set, mail goes to $$SMTP_HOST" >&2; exit 1; }

# The tests make their own databases and vhost on the broker and server named here.
test: export AMQP_URI ?= amqp://guest:guest@127.0.0.1:5672/
test: export MEMBERSHIP_DB_URL ?= postgresql://postgres@127.0.0.1:5432/alliance_membership
test: venv services web browser
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests; that is a failure" >&2; fi; \
	exit $$rc

lint: venv
	$(PY) -m ruff check services gateway deploy tests conftest.py

bench: venv services
	$(PY) -m tests.benchmarks.bench_bookings

bench-schools: venv services
	$(PY) -m tests.benchmarks.bench_schools

bench-support: venv services
	$(PY) -m tests.benchmarks.bench_support

bench-notify: venv services
	$(PY) -m tests.benchmarks.bench_notify

bench-scaling: venv services
	$(PY) -m tests.benchmarks.bench_scaling

bench-lists: venv services
	$(PY) -m tests.benchmarks.bench_lists

bench-web: venv services web browser
	$(PY) -m tests.benchmarks.bench_web

chaos: venv services
	$(PY) -m tests.chaos --bookings $(or $(BOOKINGS),5000)

fuzz: venv services
	$(PY) -m tests.contract_fuzz --examples $(or $(EXAMPLES),150)

bench-sign-in: venv services
	$(PY) -m tests.benchmarks.bench_sign_in

compose-check:
	docker-compose -f docker-compose.yml config -q

backup: venv services
	$(PY) -m deploy.backup backup

ifneq ($(filter restore,$(MAKECMDGOALS)),)
ifeq ($(FILE),)
$(error make restore needs the backup: make restore FILE=backups/alliance-20260101T020000Z.tar)
endif
endif
restore: venv services
	$(PY) -m deploy.backup restore "$(FILE)"
