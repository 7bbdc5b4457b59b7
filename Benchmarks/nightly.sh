#!/usr/bin/env bash
# The nightly run at scale: about 10M observations in ~2000 files (a county's submission per year, every
# format), from an empty store to the reports, with stage timings and peak memory.
#   bash Benchmarks/nightly.sh [WORKDIR] [VILLAGES]   (default /tmp/ruralstat-nightly-10m and 215000 villages, ~10M
#                                                      observations; 645000 makes ~30M; the data are generated once)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-/tmp/ruralstat-nightly-10m}"
VILLAGES="${2:-215000}"
BIN="$ROOT/.build/release/ruralstat"
[ -x "$BIN" ] || (cd "$ROOT" && swift build -c release --product ruralstat >&2)
if [ ! -d "$WORK/data/submissions" ]; then
    "$BIN" sample-data generate --out "$WORK/data" --villages "$VILLAGES" --years 2 --seed 11
fi
bash "$ROOT/Benchmarks/nightly-spec.sh" "$WORK/data" "$WORK/reports/ruralstat.sqlite" "$WORK/reports" > "$WORK/nightly.yaml"
rm -rf "$WORK/reports"
status=0
/usr/bin/time -v "$BIN" run "$WORK/nightly.yaml" 2> "$WORK/time.txt" || status=$?
grep -E "Elapsed|Maximum resident" "$WORK/time.txt"
echo "exit $status (1: the generated data carry rejected rows and planted errors)"
# A second run finds nothing new.
"$BIN" run "$WORK/nightly.yaml" | head -2
