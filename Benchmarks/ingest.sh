#!/usr/bin/env bash
# The ingest benchmark (issue: streaming readers). Times ruralstat's reader + validator on the shared
# 10M-row CSV.gz and 1M-observation SDMX-ML.gz, side by side with the C anchors of
# ../shared/bench/limits.py (zlib gzread, the C CSV parse floor, libxml2 SAX2) in one run, then
# prints ruralstat's own rows/s and peak memory.
#
#   bash Benchmarks/ingest.sh            # RUNS=3 by default; DATA=/tmp/bench-data
#
# Needs: python3 with numpy (the shared data generator), gcc, libdeflate-dev (the C anchors).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
DATA="${DATA:-/tmp/bench-data}"
RUNS="${RUNS:-3}"
mkdir -p "$DATA"
if ! dpkg -s libdeflate-dev >/dev/null 2>&1; then apt-get install -y -qq libdeflate-dev; fi
gen() { [ -s "$DATA/$1" ] || python3 "$SHARED/bench/gen_data.py" "${@:2}" --out "$DATA/$1"; }
gen obs_1m.csv.gz  --rows 1000000  --gzip
gen obs_10m.csv.gz --rows 10000000 --gzip
gen obs_1m.xml.gz  --rows 1000000  --xml
# The data uses made-up codes below real provinces: derive the registry it implies.
[ -s "$DATA/registry_10m_2024.csv" ] || python3 "$ROOT/Benchmarks/registry_from_data.py" "$DATA/obs_10m.csv.gz" "$DATA/registry_10m_2024.csv"
[ -s "$DATA/registry_xml_2024.csv" ] || python3 "$ROOT/Benchmarks/registry_from_data.py" "$DATA/obs_1m.xml.gz" "$DATA/registry_xml_2024.csv"

swift build --package-path "$ROOT/Benchmarks" -c release
BIN="$ROOT/Benchmarks/.build/release/ruralstat-bench"
CATALOG="$ROOT/Benchmarks/catalogs/w1.yaml"
CSV="$BIN ingest --catalog $CATALOG --registry $DATA/registry_10m_2024.csv"
XML="$BIN ingest --catalog $CATALOG --registry $DATA/registry_xml_2024.csv"

# limits.py selects measurements by a substring of their names: "C " picks the C anchors, and the
# ruralstat rows are named to match.
python3 "$SHARED/bench/limits.py" --data "$DATA" --runs "$RUNS" --only "C " --label ruralstat-ingest \
    --cmd "ruralstat read + validate (Swift; vs C above)=$CSV {csv10}" \
    --cmd "ruralstat read + validate (Swift; vs C above)=$XML {xml}"

echo
echo "ruralstat in-process figures (reading and validating only; registry and catalog loaded before):"
for run in $(seq "$RUNS"); do $CSV "$DATA/obs_10m.csv.gz"; done
for run in $(seq "$RUNS"); do $XML "$DATA/obs_1m.xml.gz"; done
