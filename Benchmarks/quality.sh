#!/usr/bin/env bash
# What the quality checks cost against what the partitions and rollups cost, on the same ~10M
# observations in memory (read once): each check alone, then in every repeat the partitions, the
# rollups and the whole suite one after the other, so that each repeat's ratio compares times taken
# under the same load; the median ratio is the figure. One JSON line per stage.
#   bash Benchmarks/quality.sh [PROFILE] [REPEATS] [WORKDIR]
# PROFILE: realistic (default: changes of 10–20 % a year and anomalies of realistic strength, the
# most findings) or blatant (the data of Benchmarks/nightly.sh). The data are generated once.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROFILE="${1:-realistic}"
REPEATS="${2:-9}"
WORK="${3:-/tmp/ruralstat-quality-10m-$PROFILE}"
(cd "$ROOT" && swift build -c release --product ruralstat >&2) && swift build --package-path "$ROOT/Benchmarks" -c release >&2
[ -d "$WORK/data/submissions" ] || "$ROOT/.build/release/ruralstat" sample-data generate --out "$WORK/data" --villages 215000 --years 2 --seed 11 --profile "$PROFILE"
"$ROOT/Benchmarks/.build/release/ruralstat-bench" quality --catalog "$ROOT/pipelines/indicators.yaml" --registry "$WORK/data/registry/regions_2023.csv" \
    --rules "$ROOT/pipelines/rules.yaml" --repeat "$REPEATS" "$WORK/data/submissions"
