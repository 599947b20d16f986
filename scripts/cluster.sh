#!/usr/bin/env bash
# A Parley cluster on this machine, for trying it out: N nodes on PostgreSQL (one database per
# shard) and Redis, behind HAProxy. Everything it makes (node data, logs, pids, the VAPID key,
# the HAProxy file) goes under one folder, the cluster's own.
#
#   scripts/cluster.sh [options] up [N]   start N nodes (default 3) on ports PORT+1.. and HAProxy on PORT
#   scripts/cluster.sh [options] down     stop them (the pids recorded at "up") and wait until they exit
#   scripts/cluster.sh [options] status   which are running
#
# Options, each also taken from the environment variable named after it:
#   --dir DIR             PARLEY_CLUSTER_DIR        the cluster's folder (default ./cluster)
#   --port PORT           PARLEY_CLUSTER_PORT       HAProxy's port; nodes on the next N (default 8080)
#   --databases A,B       PARLEY_CLUSTER_DATABASES  shard databases, made if missing (default parley_shard0,parley_shard1)
#   --pg HOST:PORT        PARLEY_CLUSTER_PG         PostgreSQL server (default 127.0.0.1:5432)
#   --pg-user USER        PARLEY_CLUSTER_PG_USER    PostgreSQL user (default postgres; password from PARLEY_PG_PASSWORD)
#   --redis URI           PARLEY_CLUSTER_REDIS      Redis (default redis://127.0.0.1:6379)
#   --namespace NAME      PARLEY_CLUSTER_NAMESPACE  Redis key prefix, for several clusters on one Redis (default parley)
#   PARLEY_CLUSTER_COMMAND  the command that runs a node (default: this checkout's ./parley)
#
# Needs psql, curl, PostgreSQL (trust auth or PARLEY_PG_PASSWORD) and Redis; HAProxy from
# `apt-get install haproxy` (without it, connect to the nodes directly).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${PARLEY_CLUSTER_DIR:-$PWD/cluster}"
port="${PARLEY_CLUSTER_PORT:-8080}"
databases="${PARLEY_CLUSTER_DATABASES:-parley_shard0,parley_shard1}"
pg="${PARLEY_CLUSTER_PG:-127.0.0.1:5432}"
pg_user="${PARLEY_CLUSTER_PG_USER:-postgres}"
redis="${PARLEY_CLUSTER_REDIS:-redis://127.0.0.1:6379}"
namespace="${PARLEY_CLUSTER_NAMESPACE:-parley}"
command="${PARLEY_CLUSTER_COMMAND:-$root/parley}"

usage() {
  sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --databases) databases="$2"; shift 2 ;;
    --pg) pg="$2"; shift 2 ;;
    --pg-user) pg_user="$2"; shift 2 ;;
    --redis) redis="$2"; shift 2 ;;
    --namespace) namespace="$2"; shift 2 ;;
    -h|--help) usage ;;
    --*) echo "unknown option $1" >&2; usage ;;
    *) args+=("$1"); shift ;;
  esac
done
cmd="${args[0]:-status}"
count="${args[1]:-3}"
[[ "$port" =~ ^[0-9]+$ && "$count" =~ ^[0-9]+$ ]] || usage
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
pg_host="${pg%:*}"
pg_port="${pg##*:}"

pg() { PGPASSWORD="${PARLEY_PG_PASSWORD:-}" psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -tAc "$1"; }

ready() { curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null; }

start_node() {
  local n=$1 node_port=$((port + $1))
  PARLEY_CLUSTER_DIR="$dir" PARLEY_CLUSTER_NODE_NUMBER=$n PARLEY_SERVER_PORT=$node_port \
  PARLEY_STORAGE_POSTGRES_URLS="$urls" PARLEY_STORAGE_POSTGRES_USER="$pg_user" \
  PARLEY_PG_PASSWORD="${PARLEY_PG_PASSWORD:-}" PARLEY_CLUSTER_REDIS_URI="$redis" \
  PARLEY_CLUSTER_REDIS_NAMESPACE="$namespace" \
    nohup "$command" serve --config "$root/config/example-cluster.yaml" >"$dir/node$n.log" 2>&1 &
  echo $! >"$dir/node$n.pid"
}

await_node() {
  local node_port=$((port + $1))
  for _ in $(seq 1 240); do
    ready "$node_port" && break
    kill -0 "$(cat "$dir/node$1.pid")" 2>/dev/null || { echo "node $1 exited; see $dir/node$1.log" >&2; return 1; }
    sleep 0.25
  done
  echo "node $1: http://127.0.0.1:$node_port $(curl -s "http://127.0.0.1:$node_port/health/ready")"
}

up() {
  urls=""
  IFS=',' read -r -a dbs <<<"$databases"
  for db in "${dbs[@]}"; do
    [[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "bad database name: $db" >&2; exit 2; }
    [ "$(pg "SELECT 1 FROM pg_database WHERE datname = '$db'")" = "1" ] || pg "CREATE DATABASE $db" >/dev/null
    urls="${urls:+$urls,}jdbc:postgresql://$pg_host:$pg_port/$db"
  done
  if [ "$command" = "$root/parley" ]; then
    "$root/parley" --version >/dev/null   # builds once, before the nodes start
  fi
  # All at once: the first node to start makes the shared VAPID key file, and the others keep
  # that one (it is published with a hard link, which never replaces another node's).
  for n in $(seq 1 "$count"); do
    start_node "$n"
  done
  for n in $(seq 1 "$count"); do
    await_node "$n"
  done
  if command -v haproxy >/dev/null 2>&1; then
    sed -e '/^    server node/d' -e "s/bind 127.0.0.1:8080/bind 127.0.0.1:$port/" "$root/config/haproxy.cfg" \
      >"$dir/haproxy.cfg"
    for n in $(seq 1 "$count"); do
      echo "    server node$n 127.0.0.1:$((port + n)) check" >>"$dir/haproxy.cfg"
    done
    haproxy -D -f "$dir/haproxy.cfg" -p "$dir/haproxy.pid"
    echo "haproxy: http://127.0.0.1:$port -> nodes on $((port + 1))..$((port + count))"
  else
    echo "haproxy is not installed (apt-get install haproxy); connect to the nodes directly on $((port + 1))..$((port + count))"
  fi
}

down() {
  local pids=() f pid
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    pid=$(head -n 1 "$f")
    kill "$pid" 2>/dev/null && pids+=("$pid")
    rm -f "$f"
  done
  # SIGTERM drains a node (its clients are told to reconnect): give them time, then insist.
  for _ in $(seq 1 120); do
    local alive=0
    for pid in "${pids[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.25
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      echo "pid $pid did not stop within 30 s; killing it" >&2
      kill -9 "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
  done
  echo "stopped"
}

status() {
  local any=0 f pid
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    any=1
    pid=$(head -n 1 "$f")
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$f" .pid): running (pid $pid)"; else echo "$(basename "$f" .pid): gone"; fi
  done
  [ "$any" = 1 ] || echo "nothing running"
}

case "$cmd" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) usage ;;
esac
