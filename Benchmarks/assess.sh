#!/usr/bin/env bash
# The assessment's cost: a generated panel of 2,800 counties × 22 indicators (the plan's five
# dimensions), the index, then the uncertainty analysis as pipelines/assessment.yaml sets it up
# (N·6 runs), for N = 250, 1,000 and 4,000 replications — the time grows with N, the memory does not.
#   bash Benchmarks/assess.sh [WORKERS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
swift build --package-path "$ROOT/Benchmarks" -c release >&2
for n in 250 1000 4000; do
    "$ROOT/Benchmarks/.build/release/ruralstat-bench" assess --units 2800 --replications "$n" --workers "${1:-2}"
done
