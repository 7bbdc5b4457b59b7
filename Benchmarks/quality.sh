#!/usr/bin/env bash
# The quality checks against the rollups on the same ~10M observations, in memory (no store):
# prints reading, rollup and quality-check seconds, and each check's own time.
#   bash Benchmarks/quality.sh [WORKDIR]     (shares the data of Benchmarks/nightly.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-/tmp/ruralstat-nightly-10m}"
BIN="$ROOT/.build/release/ruralstat"
[ -x "$BIN" ] || (cd "$ROOT" && swift build -c release --product ruralstat >&2)
[ -d "$WORK/data/submissions" ] || "$BIN" sample-data generate --out "$WORK/data" --villages 215000 --years 2 --seed 11
"$BIN" rollup --from "$WORK/data/submissions" --out "$WORK/storeless" --registry "$WORK/data/registry/regions_2023.csv" \
    --sender national --rules "$ROOT/pipelines/rules.yaml" | head -2 || true
