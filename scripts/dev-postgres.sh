#!/usr/bin/env bash
# Starts (or reuses) a private PostgreSQL cluster for tests and local runs.
# It never touches the machine's own clusters: data lives under .devhost/, the port is free-chosen.
# Usage: scripts/dev-postgres.sh start|stop|status|url   (start prints the admin connection string on stdout)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${DEVHOST_PG_DIR:-$root/.devhost/pg-test}"
pgbin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL server binaries not found (install the postgresql package)" >&2; exit 1; }

as_pg() {
  # initdb and postgres refuse to run as root: use the postgres account when we are root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case "${1:-start}" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir" "$(dirname "$dir")"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_pg "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_pg "$pgbin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      port=$(free_port); echo "$port" >"$dir/port"
      as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    fi
    echo "Host=127.0.0.1;Port=$(cat "$dir/port");Username=postgres;Password=postgres;Include Error Detail=true"
    ;;
  url)
    echo "Host=127.0.0.1;Port=$(cat "$dir/port");Username=postgres;Password=postgres;Include Error Detail=true"
    ;;
  status)
    if [ -f "$dir/data/PG_VERSION" ] && as_pg "$pgbin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then echo running; else echo stopped; fi
    ;;
  stop)
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
