#!/usr/bin/env python3
"""Writes the division registry implied by a benchmark data file: every region code in it, and
every ancestor by its digits (township 9, county 6, prefecture 4, province 2), in the NBS layout.

usage: registry_from_data.py DATA.csv.gz|DATA.xml.gz OUT.csv
The benchmark data (../shared/bench/gen_data.py) uses made-up codes below real provinces, so the
registry is derived from the data; the ingest then checks every row against it as it would in
production.
"""
import gzip
import re
import sys

source, out = sys.argv[1], sys.argv[2]
codes = set()
pattern = re.compile(rb'(?:^|[,"])(\d{12})(?=[,"])')
with gzip.open(source, "rb") as f:
    for line in f:
        for match in pattern.finditer(line):
            codes.add(match.group(1).decode())
units = {}
for code in codes:
    for digits, level in ((9, "township"), (6, "county"), (4, "prefecture"), (2, "province")):
        units[code[:digits].ljust(12, "0")] = digits
    units[code] = 12
cut = {12: 9, 9: 6, 6: 4, 4: 2, 2: 0}
with open(out, "w") as f:
    f.write("code,name,parent_code\n")
    for code in sorted(units):
        digits = units[code]
        parent = code[:cut[digits]].ljust(12, "0") if cut[digits] else ""
        f.write(f"{code},单位{code},{parent}\n")
print(f"{len(units)} units ({len(codes)} in the data) -> {out}", file=sys.stderr)
