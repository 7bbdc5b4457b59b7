#!/usr/bin/env bash
# Fuzzes ruralstat's readers and parsers with libFuzzer (Swift's -sanitize=fuzzer), each entry for a
# given time, and prints how many inputs each ran. A crash is saved under Tests/Fuzz/Crashes/<entry>/:
# commit it once fixed — `swift test` runs every saved crash and the committed corpora.
#
#   bash Tests/Fuzz/run.sh                      # every entry, 60 s each
#   SECONDS_EACH=600 bash Tests/Fuzz/run.sh submission number
#
# Entries: submission, csv-reader, number, period, rules, spec (see Tests/Fuzz/Entries/FuzzEntry.swift).
# The corpus grows in a scratch folder (WORK); the committed corpora stay small seeds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FUZZ="$ROOT/Tests/Fuzz"
SECONDS_EACH="${SECONDS_EACH:-60}"
WORK="${WORK:-/tmp/ruralstat-fuzz}"
ENTRIES=("$@")
[ ${#ENTRIES[@]} -gt 0 ] || ENTRIES=(submission csv-reader number period rules spec)

swift build --package-path "$FUZZ/Fuzzer" -c release --scratch-path "$ROOT/.build-fuzz" \
    -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library 2>&1 | grep -E "error|warning: unre" || true
[ -x "$ROOT/.build-fuzz/release/ruralstat-fuzz" ] || { echo "the fuzzer did not build"; exit 2; }
FUZZER="$ROOT/.build-fuzz/release/ruralstat-fuzz"

printf '%-12s %12s %10s %s\n' entry executions "exec/s" result
for entry in "${ENTRIES[@]}"; do
    mkdir -p "$WORK/$entry" "$FUZZ/Crashes/$entry"
    cp -n "$FUZZ/Corpus/$entry/"* "$WORK/$entry/" 2>/dev/null || true
    log="$WORK/$entry.log"
    status=0
    # Swift's own backtracer is turned off so that libFuzzer's handler saves the crashing input.
    SWIFT_BACKTRACE=enable=no RURALSTAT_FUZZ_ENTRY="$entry" "$FUZZER" "$WORK/$entry" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$FUZZ/Crashes/$entry/" >"$log" 2>&1 || status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    result=$([ "$status" -eq 0 ] && echo "no crash" || echo "CRASH (exit $status): see $log and $FUZZ/Crashes/$entry/")
    printf '%-12s %12s %10s %s\n' "$entry" "$runs" "$speed" "$result"
done
