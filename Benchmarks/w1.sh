#!/usr/bin/env bash
# The benchmark workload W1 (../shared/bench/README.md) through ruralstat's reader, validator,
# partitions and rollup engine (as `ruralstat rollup --from` reads), written in W1's layout:
#   bash Benchmarks/w1.sh INPUT.csv.gz OUTDIR
# reads and validates the submission against the W1 catalog (20 indicators and their ranges), rolls it up
# to every level and flags robust outliers per county, writing OUTDIR/rollup.csv and OUTDIR/flags.csv.
# Side by side with DuckDB and Polars, in one run:
#   python3 ../shared/bench/run_w1.py --tools duckdb,polars-streaming,ruralstat \
#       --cmd 'ruralstat=bash Benchmarks/w1.sh {input} {outdir}'
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/Benchmarks/.build/release/ruralstat-bench"
[ -x "$BIN" ] || swift build --package-path "$ROOT/Benchmarks" -c release >&2
# The benchmark's region codes are made up below real provinces: they are checked by their digits.
"$BIN" w1 --catalog "$ROOT/Benchmarks/catalogs/w1.yaml" "$1" "$2" > /dev/null
[ -s "$2/rollup.csv" ] && [ -s "$2/flags.csv" ] || { echo "w1.sh: no outputs in $2" >&2; exit 2; }
