#!/usr/bin/env bash
# The store benchmark (issue: performance at national scale). In one run, on the shared 10M-row file:
#   1. a fresh apply with `ruralstat ingest` (an empty store, registry and catalog loaded by `init`
#      beforehand), beside two anchors loading the same rows into the same shape: the sqlite3 shell's
#      `.import` into a WITHOUT ROWID table keyed like `current_values`, with the store's 16 KB pages
#      (given the plain CSV, so its time holds no gunzip), and DuckDB reading the CSV.gz into a table with a unique index on the key;
#   2. a night that revises 1 % of the rows (a file of ~100k rows, values changed);
#   3. a no-op night (the same files offered again);
#   4. bytes per current observation on disk (SQLite's dbstat), and the whole file without the registry;
#   5. peak memory of each ruralstat command.
#
#   bash Benchmarks/store.sh             # DATA=/tmp/bench-data, WORK=/tmp/ruralstat-store-bench
#
# Needs: python3 with numpy (the shared data generator) and duckdb; sqlite3.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
DATA="${DATA:-/tmp/bench-data}"
WORK="${WORK:-/tmp/ruralstat-store-bench}"
mkdir -p "$DATA"
[ -s "$DATA/obs_10m.csv.gz" ] || python3 "$SHARED/bench/gen_data.py" --rows 10000000 --gzip --out "$DATA/obs_10m.csv.gz"
[ -s "$DATA/registry_10m_2024.csv" ] || python3 "$ROOT/Benchmarks/registry_from_data.py" "$DATA/obs_10m.csv.gz" "$DATA/registry_10m_2024.csv"
# The revision: every row kept with probability 1 %, its value ×1.1 + 1 (seeded, so the file is the same each time).
[ -s "$DATA/revise_1pct.csv.gz" ] || python3 - "$DATA" <<'PY'
import gzip, random, sys
random.seed(7)
data = sys.argv[1]
with gzip.open(f"{data}/obs_10m.csv.gz", "rt") as rows, gzip.open(f"{data}/revise_1pct.csv.gz", "wt") as out:
    out.write(rows.readline())
    for line in rows:
        if random.random() < 0.01:
            fields = line.rstrip("\n").split(",")
            try:
                fields[3] = "%.2f" % (float(fields[3]) * 1.1 + 1)
            except ValueError:
                pass
            out.write(",".join(fields) + "\n")
PY
(cd "$ROOT" && swift build -c release --product ruralstat >&2)
BIN="$ROOT/.build/release/ruralstat"
CATALOG="$ROOT/Benchmarks/catalogs/w1.yaml"
rm -rf "$WORK" && mkdir -p "$WORK"
STORE="$WORK/ruralstat.sqlite"
timed() { # label, command…: wall seconds and peak memory
    local label="$1"; shift
    sync  # what the previous step wrote is on disk before the clock starts, so no step pays for another's writeback
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2>&1 || true
    read -r seconds kb < <(tail -1 "$WORK/time.txt")
    printf '%-58s %8.2f s %8d MB\n' "$label" "$seconds" $((kb / 1024))
    echo "$seconds" > "$WORK/$label.seconds"
}

zcat "$DATA/obs_10m.csv.gz" > "$WORK/obs_10m.csv"
rows=$(($(wc -l < "$WORK/obs_10m.csv") - 1))
echo "rows in the file: $rows"
echo

"$BIN" init --store "$STORE" --registry "$DATA/registry_10m_2024.csv" --catalog "$CATALOG" > /dev/null
registry_bytes=$(python3 -c "import sqlite3; c = sqlite3.connect('$STORE'); print(c.execute(\"SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'regions%'\").fetchone()[0])")
timed "ruralstat ingest, fresh 10M" "$BIN" ingest --store "$STORE" --catalog "$CATALOG" --sender national "$DATA/obs_10m.csv.gz"
grep -E "rows read|rows:" "$WORK/out.txt" | sed 's/^/  /'
applied=$(python3 -c "import sqlite3; print(sqlite3.connect('$STORE').execute('SELECT count(*) FROM current_values').fetchone()[0])")

cat > "$WORK/import.sql" <<SQL
PRAGMA page_size = 16384;
CREATE TABLE current_values (period TEXT, region INTEGER, indicator TEXT, value REAL, status TEXT,
    PRIMARY KEY (period, region, indicator)) WITHOUT ROWID;
.mode csv
.import --skip 1 $WORK/obs_10m.csv current_values
SQL
timed "anchor: sqlite3 .import, same rows, same key" sqlite3 "$WORK/import.sqlite" ".read $WORK/import.sql"
timed "anchor: DuckDB read_csv + unique index" python3 -c "
import duckdb
c = duckdb.connect('$WORK/duck.db')
c.execute(\"CREATE TABLE current_values AS SELECT * FROM read_csv('$DATA/obs_10m.csv.gz', header=true)\")
c.execute('CREATE UNIQUE INDEX current_key ON current_values (period, region, indicator)')
"
echo
timed "ruralstat ingest, night revising 1 %" "$BIN" ingest --store "$STORE" --catalog "$CATALOG" --sender national "$DATA/revise_1pct.csv.gz"
grep -E "rows read" "$WORK/out.txt" | sed 's/^/  /'
timed "ruralstat ingest, no-op night (both files again)" "$BIN" ingest --store "$STORE" --catalog "$CATALOG" --sender national "$DATA/obs_10m.csv.gz" "$DATA/revise_1pct.csv.gz"
echo
python3 - "$STORE" "$applied" "$registry_bytes" "$WORK" "$rows" <<'PY'
import os, sqlite3, sys
store, applied, registry, work, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
c = sqlite3.connect(store)
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
sizes = dict(c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
current = sizes["current_values"]
history = sum(v for k, v in sizes.items() if k.startswith("superseded_values"))
whole = os.path.getsize(store)
print(f"current_values: {current / applied:.1f} bytes per current observation ({current / 1e6:.0f} MB for {applied} rows)")
print(f"superseded_values with its indexes: {history / 1e6:.1f} MB after the revision night")
print(f"the whole store without the registry: {(whole - registry) / applied:.1f} bytes per current observation")
sec = lambda label: float(open(f"{work}/{label}.seconds").read())
fresh, imp, duck = sec("ruralstat ingest, fresh 10M"), sec("anchor: sqlite3 .import, same rows, same key"), sec("anchor: DuckDB read_csv + unique index")
print(f"fresh apply: {rows / fresh / 1e6:.2f}M rows/s (process start to end, reading the gzip included)")
print(f"ratio to sqlite3 .import: {fresh / imp:.2f}; to DuckDB: {fresh / duck:.2f}")
print(f"revision night: {sec('ruralstat ingest, night revising 1 %'):.2f} s; no-op night: {sec('ruralstat ingest, no-op night (both files again)'):.2f} s")
PY
rm -f "$WORK/obs_10m.csv"
