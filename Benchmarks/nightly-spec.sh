#!/usr/bin/env bash
# The pipeline spec of the nightly benchmarks (Benchmarks/nightly.sh, Benchmarks/server-store.sh):
# generated data in DATA, one source of county submissions, the project's catalog and rules.
#   bash Benchmarks/nightly-spec.sh DATA STORE REPORTS > nightly.yaml      (STORE: a path or a postgresql:// URL)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cat <<SPEC
version: 1
name: nightly-10m
store: "$2"
registry: [$1/registry/regions_2023.csv]
catalog: $ROOT/pipelines/indicators.yaml
rules: $ROOT/pipelines/rules.yaml
sources:
  - name: counties
    paths: [$1/submissions]
    sender_from_file_name: "^(CN_[0-9]+)_"
reports:
  folder: $3
SPEC
