#!/usr/bin/env bash
# The server store beside the SQLite store (issue 18), in one run, on a throwaway PostgreSQL 15 cluster
# with durable settings (fsync on; 1 GB of shared buffers and checkpoints spread out, as a bureau's
# server would have; the SQLite store keeps its own 64 MB cache):
#   1. a fresh apply of the shared 10M-row file (`ruralstat ingest`) into SQLite and into PostgreSQL,
#      beside the anchor: psql's \copy of the same rows into a table keyed and indexed like
#      ruralstat.observations (primary key and region index);
#   2. the night revising 1 % of the rows, and the no-op night, into each;
#   3. the nightly run at scale (Benchmarks/nightly.sh's data: ~10M observations in ~2000 files) into
#      each store, from empty;
#   4. while the nightly run writes PostgreSQL, 8 analysts, each the login of one prefecture, query in a
#      loop: `ruralstat query` (a whole command: start, registry, query) and one aggregate in SQL
#      through psql; their latencies, then the same with the store at rest.
#
#   bash Benchmarks/server-store.sh        # DATA=/tmp/bench-data, NIGHTLY=/tmp/ruralstat-nightly-10m, WORK=/tmp/ruralstat-server-bench
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
DATA="${DATA:-/tmp/bench-data}"
NIGHTLY="${NIGHTLY:-/tmp/ruralstat-nightly-10m}"
WORK="${WORK:-/tmp/ruralstat-server-bench}"
[ -s "$DATA/obs_10m.csv.gz" ] && [ -s "$DATA/revise_1pct.csv.gz" ] || bash "$ROOT/Benchmarks/store.sh"  # makes the shared data
(cd "$ROOT" && swift build -c release --product ruralstat >&2)
BIN="$ROOT/.build/release/ruralstat"
[ -d "$NIGHTLY/data/submissions" ] || "$BIN" sample-data generate --out "$NIGHTLY/data" --villages 215000 --years 2 --seed 11
CATALOG="$ROOT/Benchmarks/catalogs/w1.yaml"
rm -rf "$WORK" && mkdir -p "$WORK"
CLUSTER="$(mktemp -d /tmp/ruralstat-bench-pg.XXXXXX)"
ADMIN="$(SERVER_OPTIONS="-c fsync=on -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=30min" bash "$ROOT/Tests/PostgreSQL/cluster.sh" start "$CLUSTER")"
trap 'bash "$ROOT/Tests/PostgreSQL/cluster.sh" stop "$CLUSTER"' EXIT
url() { echo "postgresql://${2:-ruralstat_admin}@/$1?host=$CLUSTER"; }
database() { psql -q "$ADMIN" -c "CREATE DATABASE $1" >/dev/null; url "$1"; }
timed() { # label, command…: wall seconds and peak memory
    local label="$1"; shift
    sync
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2>&1 || true
    read -r seconds kb < <(tail -1 "$WORK/time.txt")
    printf '%-62s %8.2f s %8d MB\n' "$label" "$seconds" $((kb / 1024))
    echo "$seconds" > "$WORK/$label.seconds"
}
cd "$WORK"  # the server store's rejects logs go to the current folder

echo "== 1–2. the shared 10M-row file, applied"
SQLITE="$WORK/ruralstat.sqlite"
SERVER="$(database apply)"
"$BIN" init --store "$SQLITE" --registry "$DATA/registry_10m_2024.csv" --catalog "$CATALOG" > /dev/null
"$BIN" init --store "$SERVER" --registry "$DATA/registry_10m_2024.csv" --catalog "$CATALOG" > /dev/null
for store in "$SQLITE" "$SERVER"; do
    name=$([ "$store" = "$SQLITE" ] && echo SQLite || echo PostgreSQL)
    timed "$name: ruralstat ingest, fresh 10M" "$BIN" ingest --store "$store" --catalog "$CATALOG" --sender national "$DATA/obs_10m.csv.gz"
    grep -E "rows:" "$WORK/out.txt" | sed 's/^/  /'
done
zcat "$DATA/obs_10m.csv.gz" > "$WORK/obs_10m.csv"
ANCHOR="$(database anchor)"
psql -q "$ANCHOR" -c "CREATE TABLE observations (region bigint, indicator text COLLATE \"C\", period text COLLATE \"C\", value text, status text)" \
    -c "CREATE UNIQUE INDEX observations_key ON observations (indicator, period, region)" -c "CREATE INDEX observations_by_region ON observations (region)"
timed "anchor: psql \\copy, same rows, same key and index" psql -q "$ANCHOR" -c "\\copy observations FROM '$WORK/obs_10m.csv' WITH (FORMAT csv, HEADER true)"
rm -f "$WORK/obs_10m.csv"
for store in "$SQLITE" "$SERVER"; do
    name=$([ "$store" = "$SQLITE" ] && echo SQLite || echo PostgreSQL)
    timed "$name: ruralstat ingest, night revising 1 %" "$BIN" ingest --store "$store" --catalog "$CATALOG" --sender national "$DATA/revise_1pct.csv.gz"
    timed "$name: ruralstat ingest, no-op night" "$BIN" ingest --store "$store" --catalog "$CATALOG" --sender national "$DATA/obs_10m.csv.gz" "$DATA/revise_1pct.csv.gz"
done
echo "  the anchor's table holds the file's every row; ruralstat applies the rows that pass validation (the file's other rows are rejects)"

echo
echo "== 3–4. the nightly run at scale, and 8 analysts while it writes"
spec() { bash "$ROOT/Benchmarks/nightly-spec.sh" "$NIGHTLY/data" "$1" "$2"; }  # store, reports folder
spec "$WORK/nightly.sqlite" "$WORK/reports-sqlite" > "$WORK/nightly.yaml"
timed "SQLite: ruralstat run, ~10M observations in ~2000 files" "$BIN" run "$WORK/nightly.yaml"
tail -3 "$WORK/out.txt" | sed 's/^/  /'
NIGHT="$(database nightly)"
REGISTRY="$NIGHTLY/data/registry/regions_2023.csv"
"$BIN" init --store "$NIGHT" --registry "$REGISTRY" --catalog "$ROOT/pipelines/indicators.yaml" > /dev/null
# The generated country has 3 provinces: the analysts are those of 8 prefectures.
provinces=$(cut -d, -f1 "$REGISTRY" | grep -E '^[0-9]{4}00000000$' | grep -vE '^[0-9]{2}0000000000$' | cut -c1-4 | awk 'NR % 3 == 1' | head -8)
[ "$(echo $provinces | wc -w)" = 8 ] || { echo "the registry has fewer than 24 prefectures" >&2; exit 1; }
for province in $provinces; do
    "$BIN" store grant --store "$NIGHT" --role analyst --region "$province" --login "analyst_$province" --registry "$REGISTRY" > /dev/null
done
analysts() { # phase: each analyst queries in a loop until $WORK/stop exists
    for province in $provinces; do
        (
            while [ ! -e "$WORK/stop" ]; do
                start=$(date +%s.%N)
                "$BIN" query --store "$(url nightly "analyst_$province")" --indicator HOUSEHOLDS --level county > /dev/null 2>&1 || true
                middle=$(date +%s.%N)
                psql -qAt "$(url nightly "analyst_$province")" \
                    -c "SELECT period, count(*), sum(value) FROM ruralstat.observations WHERE indicator = 'HOUSEHOLDS' GROUP BY period" > /dev/null 2>&1 || true
                end=$(date +%s.%N)
                echo "$start $middle $end" >> "$WORK/latency-$1-$province.txt"
            done
        ) &
    done
}
rm -f "$WORK/stop"
analysts writing
spec "$NIGHT" "$WORK/reports-server" > "$WORK/nightly-server.yaml"
timed "PostgreSQL: ruralstat run, the same, 8 analysts querying" "$BIN" run "$WORK/nightly-server.yaml"
tail -3 "$WORK/out.txt" | sed 's/^/  /'
touch "$WORK/stop"; wait
rm -f "$WORK/stop"
analysts resting; sleep 60; touch "$WORK/stop"; wait
python3 - "$WORK" <<'PY'
import glob, statistics, sys
work = sys.argv[1]
for phase in ("writing", "resting"):
    command, sql = [], []
    for path in glob.glob(f"{work}/latency-{phase}-*.txt"):
        for line in open(path):
            start, middle, end = map(float, line.split())
            command.append(middle - start)
            sql.append(end - middle)
    for name, values in (("ruralstat query", command), ("SQL aggregate", sql)):
        values.sort()
        if values:
            p = lambda q: values[min(len(values) - 1, int(q * len(values)))]
            print(f"{phase:8} {name:16} n={len(values):4}  p50 {p(0.5):6.2f} s  p95 {p(0.95):6.2f} s  max {values[-1]:6.2f} s")
sec = lambda label: float(open(f"{work}/{label}.seconds").read())
sqlite, server = sec("SQLite: ruralstat ingest, fresh 10M"), sec("PostgreSQL: ruralstat ingest, fresh 10M")
anchor = sec("anchor: psql \\copy, same rows, same key and index")
print(f"fresh 10M apply: PostgreSQL {server:.1f} s = {server / sqlite:.2f}x SQLite ({sqlite:.1f} s), {server / anchor:.2f}x psql \\copy ({anchor:.1f} s)")
night_sqlite = sec("SQLite: ruralstat run, ~10M observations in ~2000 files")
night_server = sec("PostgreSQL: ruralstat run, the same, 8 analysts querying")
print(f"nightly at scale: PostgreSQL {night_server:.1f} s (with 8 analysts querying) = {night_server / night_sqlite:.2f}x SQLite ({night_sqlite:.1f} s)")
PY
