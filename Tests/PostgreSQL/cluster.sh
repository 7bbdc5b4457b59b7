#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the server store's tests: a data folder under FOLDER, the server
# on a Unix socket in FOLDER only (no TCP, the socket and the folder closed to other users), local
# logins trusted. `start` prints the URL of its superuser for RURALSTAT_TEST_POSTGRESQL_URL; `stop`
# stops the server and removes FOLDER.
#   bash Tests/PostgreSQL/cluster.sh start|stop [FOLDER]      (default: a new folder from mktemp)
# The tests' server runs without fsync; SERVER_OPTIONS (e.g. "-c fsync=on -c shared_buffers=1GB") adds
# or overrides settings, as the benchmarks do.
# FOLDER must not exist, or be an empty folder of ours (as mktemp -d makes). PostgreSQL refuses to
# run as root: as root, the cluster belongs to the `postgres` user that Debian's package creates.
set -euo pipefail
ACTION="${1:?start or stop}"
FOLDER="${2:-}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$BIN/pg_ctl" ] || { echo "no PostgreSQL server here (install Debian's postgresql package)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$ACTION" in
start)
    if [ -z "$FOLDER" ]; then
        FOLDER="$(mktemp -d /tmp/ruralstat-postgresql.XXXXXX)"
    elif [ -e "$FOLDER" ]; then
        # Never a folder someone else made, nor one with anything in it (nor a link to one).
        [ -d "$FOLDER" ] && [ ! -L "$FOLDER" ] && [ -O "$FOLDER" ] && [ -z "$(ls -A "$FOLDER")" ] \
            || { echo "$FOLDER exists and is not an empty folder of ours" >&2; exit 1; }
    else
        mkdir -m 700 "$FOLDER"
    fi
    chmod 700 "$FOLDER"
    [ "$(id -u)" = 0 ] && chown postgres "$FOLDER"
    as_owner "$BIN/initdb" -D "$FOLDER/data" -U ruralstat_admin --auth=trust -E UTF8 --locale=C.UTF-8 >"$FOLDER/initdb.log"
    as_owner "$BIN/pg_ctl" -D "$FOLDER/data" -l "$FOLDER/server.log" -w \
        -o "-c listen_addresses='' -c unix_socket_directories='$FOLDER' -c unix_socket_permissions=0700 -c fsync=off ${SERVER_OPTIONS:-}" start >/dev/null
    echo "postgresql://ruralstat_admin@/postgres?host=$FOLDER"
    ;;
stop)
    [ -n "$FOLDER" ] || { echo "give the cluster's folder" >&2; exit 1; }
    if [ -d "$FOLDER/data" ]; then as_owner "$BIN/pg_ctl" -D "$FOLDER/data" -m fast -w stop >/dev/null; fi
    rm -rf "$FOLDER"
    ;;
*) echo "start or stop, not $ACTION" >&2; exit 1 ;;
esac
