#!/usr/bin/env bash
# One Redis server for the AppHost's process mode. The AppHost passes REDIS_SERVER, REDIS_DATA and
# REDIS_PASSWORD; DCP passes REDIS_PORT. The configuration arrives on standard input so the password
# never appears in ps, and exec leaves redis-server as the process DCP watches and stops.
set -euo pipefail

: "${REDIS_SERVER:?}" "${REDIS_DATA:?}" "${REDIS_PORT:?}" "${REDIS_PASSWORD:?}"
mkdir -p "$REDIS_DATA"

exec "$REDIS_SERVER" - <<CONF
port $REDIS_PORT
bind 127.0.0.1 -::1
requirepass $REDIS_PASSWORD
dir $REDIS_DATA
save 60 1
appendonly no
daemonize no
supervised no
CONF
