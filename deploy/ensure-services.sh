#!/usr/bin/env bash
# Make sure RabbitMQ and PostgreSQL answer before the stack or the tests start.
# A local one (127.0.0.1/localhost) that is down is started with this
# machine's own commands; a remote one (AMQP_URI / MEMBERSHIP_DB_URL name
# another host) is only waited for. Waits up to ENSURE_TIMEOUT seconds (60).
set -euo pipefail

timeout_s="${ENSURE_TIMEOUT:-60}"

# host and port of a URL such as amqp://user:pw@host:5672/vhost
host_of() { local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"; echo "${rest%%:*}"; }
port_of() {
  local rest="${1#*://}"; rest="${rest##*@}"; rest="${rest%%/*}"
  if [[ "$rest" == *:* ]]; then echo "${rest##*:}"; else echo "$2"; fi
}

listening() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

is_local() { [[ "$1" == 127.0.0.1 || "$1" == localhost || "$1" == ::1 ]]; }

start_rabbitmq() { rabbitmq-server -detached; }
start_postgres() { pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start; }

# ensure NAME HOST PORT START_FUNCTION READY_COMMAND...
ensure() {
  local name="$1" host="$2" port="$3" start="$4"; shift 4
  if ! listening "$host" "$port"; then
    if is_local "$host"; then
      echo "ensure-services: $name is down on $host:$port, starting it"
      "$start" || echo "ensure-services: starting $name failed; waiting anyway" >&2
    else
      echo "ensure-services: waiting for $name on $host:$port (not local: not starting it)"
    fi
  fi
  local waited=0
  until listening "$host" "$port" && "$@" >/dev/null 2>&1; do
    if (( waited >= timeout_s )); then
      echo "ensure-services: $name did not answer on $host:$port within ${timeout_s}s" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "ensure-services: $name is up on $host:$port"
}

amqp="${AMQP_URI:-amqp://guest:guest@127.0.0.1:5672/}"
db="${MEMBERSHIP_DB_URL:-postgresql://postgres@127.0.0.1:5432/alliance_membership}"
amqp_host="$(host_of "$amqp")"; amqp_port="$(port_of "$amqp" 5672)"
db_host="$(host_of "$db")"; db_port="$(port_of "$db" 5432)"

ensure RabbitMQ "$amqp_host" "$amqp_port" start_rabbitmq true
ensure PostgreSQL "$db_host" "$db_port" start_postgres pg_isready -q -h "$db_host" -p "$db_port"
