#!/usr/bin/env bash
# Renders the sample run's HTML report in a real browser (headless Chromium from Debian's packages)
# and saves a screenshot to look at: charts visible, labels legible, nothing overflowing.
#   bash Tests/Oracles/report_screenshot.sh [report.html] [out.png]
# Skips (exit 0) when no browser is installed, so CI may run it anywhere. Chinese labels need a CJK
# font (Debian: fonts-noto-cjk); without one they show as boxes.
set -euo pipefail
cd "$(dirname "$0")/../.."
report="${1:-reports/report.html}"
out="${2:-reports/report.png}"
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then echo "no Chromium here: skipped"; exit 0; fi
if [ ! -f "$report" ]; then echo "no $report: run 'swift run ruralstat run pipelines/nightly.yaml' first"; exit 1; fi
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1300,5200 \
    --screenshot="$out" "file://$PWD/$report" >/dev/null 2>&1
test -s "$out"
echo "screenshot: $out"
