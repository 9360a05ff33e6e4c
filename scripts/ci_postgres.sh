#!/usr/bin/env bash
# A throw-away PostgreSQL server for the team-mode tests, on 127.0.0.1 only.
#
#   eval "$(bash scripts/ci_postgres.sh start)"   # prints export lines: ANNOTATOR_TEST_PG_URL, ANNOTATOR_PG_DIR
#   bash scripts/ci_postgres.sh stop              # stops the server of $ANNOTATOR_PG_DIR and removes its folder
#
# Installs Debian's postgresql package when no PostgreSQL server binaries are found (needs root
# and the Debian package registry), then creates a cluster in a temporary folder with initdb,
# listening on 127.0.0.1 (a free port, never another address) and on a Unix socket in that
# folder, and starts it with pg_ctl. As root the cluster runs as the 'postgres' user (initdb
# refuses root). The cluster is tuned for tests, not for data that matters (fsync off).
# A role 'annotator' (password login over TCP; CREATEDB: every test creates its own database;
# CREATEROLE: one test makes a read-only role)
# and a database 'annotator_test' are created. Everything but the export lines goes to stderr.
set -euo pipefail

log() { echo "ci_postgres: $*" >&2; }

pg_bindir() {
  local d
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then echo "$PG_BINDIR"; return 0; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_owner() {  # run a command as the cluster's owner
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

start() {
  local bin dir port password url
  if ! bin="$(pg_bindir)"; then
    if [ "$(id -u)" != 0 ]; then
      log "no PostgreSQL server found and not root: install Debian's 'postgresql' package"; exit 1
    fi
    log "installing Debian's postgresql package"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null </dev/null
    bin="$(pg_bindir)" || { log "postgresql installed but initdb not found"; exit 1; }
    # the package may have created and started a cluster of its own: ours is created below
    if command -v pg_lsclusters >/dev/null; then
      pg_lsclusters -h 2>/dev/null | while read -r ver name _; do
        pg_ctlcluster "$ver" "$name" stop >/dev/null 2>&1 || true
      done
    fi
  fi
  dir="${ANNOTATOR_PG_DIR:-}"
  if [ -z "$dir" ]; then dir="$(mktemp -d /tmp/annotator-pg.XXXXXX)"; fi
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { log "no 'postgres' user (the Debian package creates it)"; exit 1; }
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  port="${ANNOTATOR_PG_PORT:-$(free_port)}"
  password="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
  log "cluster in $dir, port $port ($bin)"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  cat >>"$dir/data/postgresql.conf" <<EOF
# annotator tests: loopback only, a private socket folder, speed over durability
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bin/../bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres >&2 <<EOF
CREATE ROLE annotator LOGIN CREATEDB CREATEROLE PASSWORD '$password';
CREATE DATABASE annotator_test OWNER annotator;
EOF
  url="postgresql://annotator:$password@127.0.0.1:$port/annotator_test"
  echo "$bin" >"$dir/bindir"
  log "server up: postgresql://annotator@127.0.0.1:$port/annotator_test"
  echo "export ANNOTATOR_TEST_PG_URL='$url'"
  echo "export ANNOTATOR_PG_DIR='$dir'"
}

stop() {
  local dir="${ANNOTATOR_PG_DIR:-${1:-}}" bin
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then log "nothing to stop"; return 0; fi
  bin="$(cat "$dir/bindir" 2>/dev/null || pg_bindir)"
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  case "$dir" in /tmp/annotator-pg.*) rm -rf "$dir" ;; esac
  log "stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
