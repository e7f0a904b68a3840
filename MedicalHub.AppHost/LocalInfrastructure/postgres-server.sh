#!/usr/bin/env bash
# One PostgreSQL server for the AppHost's process mode. The AppHost passes PG_BIN, PGDATA and
# POSTGRES_PASSWORD; DCP passes PGPORT. The last step execs the server, so the process DCP watches,
# shows the logs of and stops is postgres itself.
set -euo pipefail

: "${PG_BIN:?}" "${PGDATA:?}" "${PGPORT:?}" "${POSTGRES_PASSWORD:?}"

as_postgres=()
if [ "$(id -u)" = 0 ]; then
  # postgres refuses to run as root: drop to the unprivileged 'postgres' user (created if missing).
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  mkdir -p "$PGDATA"
  chown postgres: "$PGDATA"
  if ! setpriv --reuid=postgres --regid=postgres --init-groups -- test -w "$PGDATA"; then
    echo "The 'postgres' user cannot write $PGDATA: a parent folder is closed to it. Set MedicalHub:DataDirectory to a folder it can reach." >&2
    exit 1
  fi
  as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
mkdir -p "$PGDATA"
chmod 700 "$PGDATA"

no_sockets=(-c "unix_socket_directories=")

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "Initialising a new PostgreSQL data folder in $PGDATA"
  pwfile="$(mktemp)"
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  if [ ${#as_postgres[@]} -gt 0 ]; then chown postgres: "$pwfile"; fi
  "${as_postgres[@]}" "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 --pwfile="$pwfile" >/dev/null
  rm -f "$pwfile"
else
  # The password is an AppHost parameter that may have been regenerated: make the server agree with it.
  # Single-user mode reads the statement from standard input, so the password never appears in ps.
  escaped="${POSTGRES_PASSWORD//\'/\'\'}"
  printf "ALTER ROLE postgres PASSWORD '%s';\n" "$escaped" \
    | "${as_postgres[@]}" "$PG_BIN/postgres" --single -D "$PGDATA" "${no_sockets[@]}" postgres >/dev/null
fi

exec "${as_postgres[@]}" "$PG_BIN/postgres" -D "$PGDATA" -p "$PGPORT" \
  -c listen_addresses=localhost "${no_sockets[@]}" \
  -c shared_buffers=32MB -c max_connections=100 -c log_line_prefix='%m [%p] '
