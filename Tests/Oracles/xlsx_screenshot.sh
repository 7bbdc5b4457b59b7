#!/usr/bin/env bash
# Opens the sample run's workbook in LibreOffice (headless, from Debian's packages), prints it to PDF
# as its print setup says (landscape A4, fit to the page width, the header on every page), and saves
# the first page of each sheet as PNG to look at: formats, marked partial figures, column widths.
#   bash Tests/Oracles/xlsx_screenshot.sh [indicators.xlsx] [outdir]
# Skips (exit 0) when LibreOffice or pdftoppm (poppler-utils) is missing. Chinese needs a CJK font
# (Debian: fonts-noto-cjk).
set -euo pipefail
cd "$(dirname "$0")/../.."
book="${1:-reports/tables/indicators.xlsx}"
out="${2:-reports/xlsx-pages}"
office="$(command -v soffice || command -v libreoffice || true)"
if [ -z "$office" ] || ! command -v pdftoppm >/dev/null; then echo "no LibreOffice or pdftoppm here: skipped"; exit 0; fi
if [ ! -f "$book" ]; then echo "no $book: run 'swift run ruralstat run pipelines/nightly.yaml' first"; exit 1; fi
mkdir -p "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$office" -env:UserInstallation="file://$profile" --headless --convert-to pdf --outdir "$out" "$book" >/dev/null 2>&1
pdf="$out/$(basename "${book%.*}").pdf"
test -s "$pdf"
pdftoppm -png -r 70 "$pdf" "$out/page"
echo "LibreOffice printed $(ls "$out"/page*.png | wc -l) pages: $pdf, $out/page-*.png"
