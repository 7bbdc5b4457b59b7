#!/usr/bin/env bash
# What the quality checks cost against what the rollups cost, on the same ~10M observations in
# memory (read once, then each stage repeated; the medians are compared): one JSON line per stage.
#   bash Benchmarks/quality.sh [WORKDIR] [REPEATS]     (shares the data of Benchmarks/nightly.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${1:-/tmp/ruralstat-nightly-10m}"
REPEATS="${2:-5}"
(cd "$ROOT" && swift build -c release --product ruralstat >&2) && swift build --package-path "$ROOT/Benchmarks" -c release >&2
[ -d "$WORK/data/submissions" ] || "$ROOT/.build/release/ruralstat" sample-data generate --out "$WORK/data" --villages 215000 --years 2 --seed 11
"$ROOT/Benchmarks/.build/release/ruralstat-bench" quality --catalog "$ROOT/pipelines/indicators.yaml" --registry "$WORK/data/registry/regions_2023.csv" \
    --rules "$ROOT/pipelines/rules.yaml" --repeat "$REPEATS" "$WORK/data/submissions"
