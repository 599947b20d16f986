#!/usr/bin/env bash
# A Parley cluster on this machine, for trying it out: N nodes on PostgreSQL (two databases as
# shards) and Redis, behind HAProxy on http://127.0.0.1:8080.
#
#   scripts/cluster.sh up [N]     start N nodes (default 3) on ports 8081.. and HAProxy
#   scripts/cluster.sh down       stop them (by the pids this script recorded)
#   scripts/cluster.sh status     which are running
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth, as on the dev machine) and Redis
# on 127.0.0.1:6379; HAProxy from `apt-get install haproxy`. Logs and pids go to ./cluster/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/cluster"
cmd="${1:-status}"
count="${2:-3}"

pg() { psql -h 127.0.0.1 -U postgres -d postgres -tAc "$1"; }

up() {
  mkdir -p "$dir"
  for db in parley_shard0 parley_shard1; do
    [ "$(pg "SELECT 1 FROM pg_database WHERE datname = '$db'")" = "1" ] || pg "CREATE DATABASE $db" >/dev/null
  done
  "$root/parley" --version >/dev/null   # builds once, before the nodes start in parallel
  servers=""
  for n in $(seq 1 "$count"); do
    port=$((8080 + n))
    PARLEY_CLUSTER_NODE_NUMBER=$n PARLEY_SERVER_PORT=$port PARLEY_STORAGE_DATA_DIR="$dir/node$n" \
    PARLEY_STORAGE_POSTGRES_USER=postgres PARLEY_PG_PASSWORD="" \
      nohup "$root/parley" serve --config "$root/config/example-cluster.yaml" >"$dir/node$n.log" 2>&1 &
    echo $! >"$dir/node$n.pid"
    servers="$servers    server node$n 127.0.0.1:$port check\n"
  done
  for n in $(seq 1 "$count"); do
    for _ in $(seq 1 120); do
      curl -sf "http://127.0.0.1:$((8080 + n))/health/ready" >/dev/null && break
      sleep 0.5
    done
    echo "node $n: $(curl -s "http://127.0.0.1:$((8080 + n))/health/ready")"
  done
  if command -v haproxy >/dev/null 2>&1; then
    sed '/^    server node/d' "$root/config/haproxy.cfg" >"$dir/haproxy.cfg"
    printf "%b" "$servers" >>"$dir/haproxy.cfg"
    haproxy -D -f "$dir/haproxy.cfg" -p "$dir/haproxy.pid"
    echo "haproxy: http://127.0.0.1:8080 -> nodes on 8081..$((8080 + count))"
  else
    echo "haproxy is not installed (apt-get install haproxy); connect to the nodes directly on 8081..$((8080 + count))"
  fi
}

down() {
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    kill "$(head -n 1 "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  echo "stopped"
}

status() {
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || { echo "nothing running"; return; }
    pid=$(head -n 1 "$f")
    if kill -0 "$pid" 2>/dev/null; then echo "$(basename "$f" .pid): running (pid $pid)"; else echo "$(basename "$f" .pid): gone"; fi
  done
}

case "$cmd" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up [N] | down | status" >&2; exit 2 ;;
esac
