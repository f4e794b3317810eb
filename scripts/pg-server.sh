#!/usr/bin/env bash
# Debian's PostgreSQL server for tests that need a real server (lock contention, a
# second connection). Loopback only, trust auth: it holds nothing but test data.
#
#   scripts/pg-server.sh start   # installs (Debian, root) if needed, initdb once, starts; prints the URL
#   scripts/pg-server.sh url     # prints the URL
#   scripts/pg-server.sh stop    # stops the server (data kept for the next start)
#   scripts/pg-server.sh status  # exit 0 when the server is running
#
# Env: CERTDESK_PG_PORT (55432), CERTDESK_PG_DIR (/tmp/certdesk-ci-pg), CERTDESK_PG_DB (certdesk_test).
set -euo pipefail

PORT="${CERTDESK_PG_PORT:-55432}"
DIR="${CERTDESK_PG_DIR:-/tmp/certdesk-ci-pg}"
DB="${CERTDESK_PG_DB:-certdesk_test}"
DATA="$DIR/data"
LOG="$DIR/server.log"
URL="postgres://postgres@127.0.0.1:${PORT}/${DB}"

find_bin() {
  local candidate
  for candidate in /usr/lib/postgresql/*/bin; do
    if [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_installed() {
  if find_bin >/dev/null; then return 0; fi
  if [[ ! -f /etc/debian_version ]]; then
    echo "pg-server: no PostgreSQL server found under /usr/lib/postgresql and this is not Debian; install PostgreSQL." >&2
    exit 1
  fi
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "pg-server: PostgreSQL is not installed; run as root (or: sudo apt-get install -y postgresql)." >&2
    exit 1
  fi
  echo "pg-server: installing Debian's postgresql package…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
  find_bin >/dev/null
}

# Runs a command as the postgres user when we are root (initdb refuses to run as root).
as_pg() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  local bin
  bin="$(find_bin)" || return 1
  [[ -f "$DATA/PG_VERSION" ]] && as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  ensure_installed
  local bin
  bin="$(find_bin)"
  if [[ "$(id -u)" -eq 0 ]]; then
    mkdir -p "$DIR"
    chown postgres:postgres "$DIR"
    chmod 0700 "$DIR"
  else
    mkdir -p -m 0700 "$DIR"
  fi
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    as_pg "$bin/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 || {
      cat "$DIR/initdb.log" >&2
      exit 1
    }
  fi
  if ! is_running; then
    # Sockets in $DIR, TCP on loopback only: nothing outside this machine can reach a trust-auth server.
    as_pg "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || {
      echo "pg-server: the server did not start (port $PORT taken?). Log:" >&2
      tail -n 20 "$LOG" >&2 || true
      exit 1
    }
  fi
  local exists
  exists="$(as_pg "$bin/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname = '$DB'")"
  if [[ "$exists" != "1" ]]; then
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
  fi
  echo "$URL"
}

stop() {
  local bin
  bin="$(find_bin)" || return 0
  if is_running; then
    as_pg "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  status) is_running ;;
  *)
    echo "usage: $0 start|stop|status|url" >&2
    exit 2
    ;;
esac
