#!/usr/bin/env python3
"""An independent reader for ruralstat's XLSX tables.

Reads reports/tables/indicators.xlsx with openpyxl (PyPI; `pip install openpyxl`) and checks it against
the store (reports/ruralstat.sqlite) and the layout analysts rely on:

- the workbook has a default style (openpyxl does not warn) and document properties (title, author);
- every sheet freezes its header row, prints landscape on A4 with the header repeated on every page, fit
  to the page width (or, when that would print below half size, scaled across pages with its region
  columns repeated), and has an autofilter over its table;
- every column of a wide sheet holds one number format, percent for rates; in the long sheet each
  value has its indicator's format;
- no number cell holds text: a partial or withheld figure is a number (or empty) in the marked style
  (italic) with a cell comment that says why, and every published rollup of the store is in the long
  sheet with its value to 15 significant digits (what Excel keeps, and what the CSV tables write).

    python3 Tests/Oracles/xlsx_check.py [reports]

Exit 0 when everything agrees, 1 on a difference, 0 with "skipped" when openpyxl is not installed.
"""
import os
import sqlite3
import sys
import warnings

try:
    import openpyxl
except ImportError:
    print("openpyxl is not installed: skipped")
    sys.exit(0)

folder = sys.argv[1] if len(sys.argv) > 1 else "reports"
problems = []
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    book = openpyxl.load_workbook(os.path.join(folder, "tables", "indicators.xlsx"))
for warning in caught:
    problems.append(f"openpyxl warns: {warning.message}")
if not book.properties.title or book.properties.creator != "ruralstat":
    problems.append(f"document properties: title {book.properties.title!r}, author {book.properties.creator!r}")

store = sqlite3.connect(os.path.join(folder, "ruralstat.sqlite"))
kinds = dict(store.execute("SELECT code, kind FROM indicators"))

for sheet in book.worksheets:
    name = sheet.title
    if not (sheet.freeze_panes or "").endswith("2"):
        problems.append(f"{name}: the header row is not frozen ({sheet.freeze_panes})")
    if sheet.page_setup.orientation != "landscape" or str(sheet.page_setup.paperSize) != "9":
        problems.append(f"{name}: not landscape A4")
    fit = sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage
    if fit and sheet.page_setup.fitToHeight != 0:
        problems.append(f"{name}: fit to the page, but not to its width only")
    if not fit and not (sheet.page_setup.scale and sheet.print_title_cols):
        problems.append(f"{name}: neither fit to the page width nor printed across pages with its region columns repeated")
    if sheet.print_title_rows != "$1:$1":
        problems.append(f"{name}: the header is not repeated on printed pages ({sheet.print_title_rows})")
    if not sheet.auto_filter.ref:
        problems.append(f"{name}: no autofilter")
    header = [cell.value for cell in sheet[1]]
    for column in range(1, sheet.max_column + 1):
        formats, texts = set(), 0
        for row in range(2, sheet.max_row + 1):
            cell = sheet.cell(row, column)
            if isinstance(cell.value, (int, float)):
                formats.add(cell.number_format)
            if cell.comment is not None:
                if not cell.font.i or not (cell.comment.text.startswith("partial") or cell.comment.text.startswith("withheld")):
                    problems.append(f"{name}!{cell.coordinate}: a note {cell.comment.text!r} without the marked style")
                if isinstance(cell.value, str):
                    problems.append(f"{name}!{cell.coordinate}: a marked figure holds text {cell.value!r}")
        title = str(header[column - 1])
        if name != "long" and not name.startswith("评估") and column > 3:
            code = title.split(" ")[1] if " " in title else title
            if len(formats) > 1:
                problems.append(f"{name} column {title!r}: {len(formats)} number formats {sorted(formats)}")
            if kinds.get(code) == "rate" and formats and formats != {'0.0"%"'}:
                problems.append(f"{name} column {title!r}: a rate without the percent format ({formats})")

long = book["long"]
header = [cell.value for cell in long[1]]
at = {title: index for index, title in enumerate(header)}
found = {}
for row in long.iter_rows(min_row=2, values_only=False):
    level, region, indicator, period = (row[at[k]].value for k in ("level", "region", "indicator", "period"))
    value = row[at["value"]]
    if isinstance(value.value, (int, float)):
        kind = kinds.get(indicator)
        expected = '0.0"%"' if kind == "rate" else None
        if expected and value.number_format != expected:
            problems.append(f"long!{value.coordinate}: {indicator} is a rate, shown as {value.number_format}")
    found[(level, region, indicator, str(period))] = value.value
expected = 0
for level, region, indicator, period, value in store.execute(
        "SELECT level, region, indicator, period, value FROM rollup_table "
        "WHERE publication != 'withheld' AND value IS NOT NULL AND level IN ('province', 'prefecture', 'county')"):
    expected += 1
    got = found.get((level, region, indicator, str(period)))
    # Cells hold 15 significant digits (as Excel keeps, and as the CSV tables write computed figures).
    if got is None or got != float("%.15g" % value):
        problems.append(f"long: {level} {region} {indicator} {period}: {got!r} against the store's {value!r}")

for problem in problems[:40]:
    print(problem)
print(f"{len(book.worksheets)} sheets, {expected} published rollups compared: {len(problems)} problems")
sys.exit(1 if problems else 0)
