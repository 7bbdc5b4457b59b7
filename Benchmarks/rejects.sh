#!/usr/bin/env bash
# Rejected rows at scale (the trust issue): `ruralstat ingest` of a file of 1M rows that are all
# rejected must stay linear (it once grew with the square of the rejected rows) and take ≤ 5 s,
# with memory that does not grow with the rows. Side by side, in one run: `ruralstat check` of the
# same file (reading and validating only), and the sqlite3 shell importing the same number of reject
# rows into a table of the rejects table's shape (the cost of storing them at all).
#
#   bash Benchmarks/rejects.sh           # RUNS=3, ROWS=1000000; needs python3, sqlite3, GNU time
#
# Two files: every row with one problem (a value out of range), and every row with two (an unknown
# region and a value that is no number: 2M reject records).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${RUNS:-3}"
ROWS="${ROWS:-1000000}"
WORK="${WORK:-/tmp/ruralstat-rejects-bench}"
mkdir -p "$WORK"
(cd "$ROOT" && swift build -c release --product ruralstat >/dev/null)
BIN="$ROOT/.build/release/ruralstat"
REGISTRY="$ROOT/sample-data/registry/regions_2023.csv"
CATALOG="$ROOT/pipelines/indicators.yaml"

python3 - "$WORK" "$ROWS" "$REGISTRY" <<'PY'
import sys
work, rows, registry = sys.argv[1], int(sys.argv[2]), sys.argv[3]
villages = [l.split(',')[0] for l in open(registry, encoding='utf-8')
            if l.startswith('1301') and len(l.split(',')[0]) == 12 and not l.split(',')[0].endswith('000')]
with open(f'{work}/one-problem.csv', 'w') as f:
    f.write('region,indicator,period,value\n')
    for i in range(rows):
        f.write(f'{villages[i % len(villages)]},HOUSEHOLDS,2024,-{i + 1}\n')
with open(f'{work}/two-problems.csv', 'w') as f:
    f.write('region,indicator,period,value\n')
    for i in range(rows):
        f.write(f'1301211{i % 100000:05d},HOUSEHOLDS,2024,x{i}\n')
# The anchor's input: one reject row per rejected row, as ruralstat stores them.
with open(f'{work}/reject-rows.csv', 'w') as f:
    for i in range(rows):
        f.write(f'1,1,one-problem.csv,{i + 2},,value,{villages[i % len(villages)]}|HOUSEHOLDS|2024,value_out_of_range,error,-{i + 1},'
                f'-{i + 1} 户 is outside the valid range 0–1000000 of HOUSEHOLDS\n')
PY

measure() {  # label, command…: prints wall seconds and peak memory
    local label="$1"; shift
    /usr/bin/time -f "$label: %e s, %M KB peak" "$@" >/dev/null 2>"$WORK/time.txt" || true
    tail -1 "$WORK/time.txt"
}

for run in $(seq "$RUNS"); do
    echo "run $run"
    for file in one-problem two-problems; do
        rm -f "$WORK/store.sqlite"*
        "$BIN" init --store "$WORK/store.sqlite" --registry "$REGISTRY" --catalog "$CATALOG" >/dev/null
        measure "  ruralstat ingest $file.csv ($ROWS rows rejected)" "$BIN" ingest "$WORK/$file.csv" --store "$WORK/store.sqlite" \
            --sender CN_1301 --catalog "$CATALOG" --rejects "$WORK/rejects.csv"
        measure "  ruralstat check $file.csv" "$BIN" check "$WORK/$file.csv" --sender CN_1301 --registry "$REGISTRY" --catalog "$CATALOG"
    done
    rm -f "$WORK/anchor.sqlite"*
    # The rejects table's columns (its id is the rowid here, which .import cannot leave empty).
    sqlite3 "$WORK/anchor.sqlite" "PRAGMA journal_mode=WAL; CREATE TABLE rejects (run_id INTEGER, submission_id INTEGER,
        file TEXT NOT NULL, line INTEGER, element TEXT, column_name TEXT, key TEXT, rule TEXT NOT NULL, severity TEXT NOT NULL, value TEXT,
        message TEXT NOT NULL);" >/dev/null
    measure "  anchor: sqlite3 .import of $ROWS reject rows" sqlite3 "$WORK/anchor.sqlite" ".mode csv" ".import $WORK/reject-rows.csv rejects"
done
