#!/usr/bin/env python3
"""An independent reader for ruralstat's SDMX output.

Reads every file of reports/sdmx/ (SDMX-ML 2.1 generic and structure-specific, 3.0 structure-specific,
SDMX-CSV 1.0 and 2.0) with pysdmx (PyPI; `pip install "pysdmx[xml]"`), validating the XML against the
SDMX schemas, and checks that each holds exactly the published rollups of the store
(reports/ruralstat.sqlite): the same keys and the same values, bit for bit.

    python3 Tests/Oracles/pysdmx_check.py [reports]

Exit 0 when every file agrees, 1 on a difference, 0 with "skipped" when pysdmx is not installed.
"""
import glob
import math
import os
import sqlite3
import sys

try:
    from pysdmx.io import read_sdmx
except ImportError:
    print("pysdmx is not installed: skipped")
    sys.exit(0)

folder = sys.argv[1] if len(sys.argv) > 1 else "reports"
store = sqlite3.connect(os.path.join(folder, "ruralstat.sqlite"))
levels = ("national", "province", "prefecture", "county")
expected = {}
for level, region, indicator, period, value in store.execute(
        "SELECT level, region, indicator, period, value FROM rollups WHERE publication != 'withheld' AND value IS NOT NULL"):
    if level in levels:
        expected[("%012d" % region, indicator, period)] = float(value)

failures = 0
files = sorted(path for path in glob.glob(os.path.join(folder, "sdmx", "*")) if not os.path.basename(path).startswith("structure."))
for path in files:
    validate = path.endswith(".xml")
    message = read_sdmx(path, validate=validate)
    frame = message.data[0].data
    seen = {}
    repeated = 0
    for row in frame.itertuples(index=False):
        record = row._asdict()
        # pysdmx reads SDMX-CSV through pandas, which takes a code of digits for a number: the nation's
        # 000000000000 comes back as 0. Codes are put back to their 12 digits.
        key = ("%012d" % int(record["REF_AREA"]), str(record["INDICATOR"]), str(record["TIME_PERIOD"]))
        repeated += key in seen
        seen[key] = float(record["OBS_VALUE"])
    missing = expected.keys() - seen.keys()
    extra = seen.keys() - expected.keys()
    # XML values come through Python's exact float(). pysdmx reads CSV with pandas, whose default float
    # parser is not exact (our 0.008199999999999999 comes back as 0.0081999999999999, 57 ulps off), so
    # CSV values are compared to a relative 1e-12.
    different = [key for key in expected.keys() & seen.keys()
                 if (expected[key] != seen[key] if validate else not math.isclose(expected[key], seen[key], rel_tol=1e-12))]
    status = "ok" if not (missing or extra or different or repeated) else "DIFFERS"
    print(f"{os.path.basename(path)}: {len(seen)} observations, {'XSD-valid, ' if validate else ''}{status}"
          + (f" — {len(missing)} missing, {len(extra)} extra, {len(different)} different, {repeated} repeated keys, e.g. {(sorted(missing) + sorted(extra) + different)[:2]}"
             if status != "ok" else ""))
    failures += status != "ok"
if not files:
    print(f"no SDMX files in {folder}/sdmx: run 'swift run ruralstat run pipelines/nightly.yaml' first")
    failures = 1
sys.exit(1 if failures else 0)
