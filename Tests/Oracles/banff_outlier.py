#!/usr/bin/env python3
"""Golden-file generator: Statistics Canada Banff ``outlier`` as an outside oracle.

What it does
    Builds randomised (but seeded, hence deterministic) data sets, runs the
    Banff ``outlier`` procedure on each one and writes what Banff returned to
    ``Tests/RuralstatQualityTests/Golden/banff/outlier_cases.json``. The Swift
    tests of ruralstat's Hidiroglou-Berthelot (HB) and sigma-gap (SG) outlier
    checks load that file and compare their own results with Banff's.

    Covered: method CURRENT (HB on the value), HISTORIC (HB on current/previous
    with the E transform and exponent U), SIGMAGAP on the current value and
    SIGMAGAP with ``indata_hist`` (on current/previous); sides LEFT/RIGHT/BOTH;
    mii/mei, mdm, exponent, beta_i/beta_e, sigma MAD/STD, start_centile,
    min_obs, accept_zero/accept_negative; 1-3 by-groups per case; ties, zeros,
    negatives, missing values, current-only and history-only units, strong
    outliers on both sides. Weights and exclude_where_indata are not used.

Licence
    Banff (PyPI ``banff``) is GPL-3. It is used here ONLY as an outside,
    black-box test oracle: this script calls it and records its outputs. No
    Banff code is copied into, linked with or ported to ruralstat. Banff is not
    needed to build or test ruralstat; only to regenerate the golden file.

How to rerun (from the repository root)
    pip install banff==3.1.3          # pandas, pyarrow, numpy are needed too
    python3 Tests/Oracles/banff_outlier.py              # regenerates the file
    python3 Tests/Oracles/banff_outlier.py --seed 7 --cases 300 --out /tmp/x.json

    With the default seed and case count the output is byte-for-byte
    reproducible (same Banff version).

Note
    Banff's C core writes its log straight to file descriptor 1; this script
    redirects fd 1 around every call and keeps the WARNING lines per case.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

logging.disable(logging.CRITICAL)  # silence banff's Python-side logger
import banff  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "Tests" / "RuralstatQualityTests" / "Golden" / "banff" / "outlier_cases.json"
DEFAULT_SEED = 20240611
DEFAULT_CASES = 240

# Method kinds, cycled so every method x side combination is well represented.
KINDS = [
    ("current", False),    # HB on the current value
    ("historic", True),    # HB on current / previous
    ("sigmagap", False),   # SG on the current value
    ("sigmagap", True),    # SG on current / previous
]
SIDES = ["LEFT", "RIGHT", "BOTH"]

_libc = ctypes.CDLL(None)


# --------------------------------------------------------------------------- Banff call
def run_banff(indata: pd.DataFrame, indata_hist: pd.DataFrame | None, kwargs: dict):
    """Run banff.outlier with fd 1 captured. Returns (result | None, error | None, log)."""
    sys.stdout.flush()
    tmp = tempfile.TemporaryFile(mode="w+b")
    saved = os.dup(1)
    os.dup2(tmp.fileno(), 1)
    res, err = None, None
    try:
        call = dict(indata=indata, unit_id="ident", var="y", by="grp",
                    outlier_stats=True, trace=False, **kwargs)
        if indata_hist is not None:
            call["indata_hist"] = indata_hist
        res = banff.outlier(**call)
    except Exception as e:  # Banff rejects the parameters -> case dropped
        err = e
    finally:
        _libc.fflush(None)
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
    tmp.seek(0)
    log = tmp.read().decode("utf-8", "replace")
    tmp.close()
    return res, err, log


def warnings_from_log(log: str) -> str | None:
    """Keep WARNING lines (and 'ignored'/'not processed' notes), prefixed with the by-group."""
    out, group = [], None
    lines = log.splitlines()
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("NOTE: The following messages are for the by group:") and i + 1 < len(lines):
            group = lines[i + 1].strip()
            continue
        if s.startswith("NOTE: The above message was for the following by group:"):
            group = None
            continue
        if "WARNING" in s or "ignored" in s or "not processed" in s:
            out.append(f"[{group}] {s}" if group else s)
    return "\n".join(out) if out else None


# --------------------------------------------------------------------------- JSON helpers
def clean(v):
    """numpy/pandas scalar -> JSON-safe Python value; NaN/None -> None; numbers -> float."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        f = float(v)
        return None if math.isnan(f) else f
    if isinstance(v, str):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def num_or_none(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


# --------------------------------------------------------------------------- data generation
def r4(x: float) -> float:
    """Round to a 'reported' looking value (4 significant-ish decimals)."""
    return float(np.round(x, 4))


def gen_values(rng: np.random.Generator, n: int, allow_neg: bool) -> list[float]:
    """One group's current values: a shape, a scale, ties, zeros, negatives, outliers."""
    shape = rng.choice(["int", "decimal", "lognormal", "ties", "allequal", "twovalues", "centred"],
                       p=[0.2, 0.2, 0.25, 0.15, 0.05, 0.05, 0.10])
    scale = float(10.0 ** rng.integers(-2, 5))
    if shape == "int":
        v = rng.integers(1, 200, size=n).astype(float) * max(1.0, scale)
    elif shape == "decimal":
        v = np.round(rng.normal(100, 15, size=n), 2) * scale
    elif shape == "lognormal":
        v = np.exp(rng.normal(0, rng.uniform(0.3, 1.5), size=n)) * 50 * scale
    elif shape == "ties":
        base = float(rng.integers(1, 100)) * scale
        v = np.full(n, base)
        k = int(rng.integers(0, max(1, n // 3) + 1))  # at most ~1/3 differ -> MAD often 0
        idx = rng.choice(n, size=k, replace=False)
        v[idx] = base * rng.choice([0.5, 0.9, 1.1, 1.5, 2.0, 3.0], size=k)
    elif shape == "allequal":
        v = np.full(n, float(rng.integers(1, 100)) * scale)
    elif shape == "twovalues":
        a, b = float(rng.integers(1, 50)), float(rng.integers(51, 100))
        v = rng.choice([a, b], size=n) * scale
    else:  # centred: around zero, negatives likely
        v = np.round(rng.normal(0, 10, size=n), 1) * scale
    v = np.array([r4(x) for x in v], dtype=float)
    # strong outliers on either side
    for _ in range(int(rng.integers(0, 4))):
        i = int(rng.integers(0, n))
        f = float(rng.choice([0.01, 0.05, 0.2, 5.0, 20.0, 100.0]))
        v[i] = r4(v[i] * f) if v[i] != 0 else r4(f * scale)
    # zeros
    if rng.random() < 0.3:
        for i in rng.choice(n, size=int(rng.integers(1, max(2, n // 4) + 1)), replace=False):
            v[i] = 0.0
    # negatives
    if allow_neg and rng.random() < 0.3:
        for i in rng.choice(n, size=int(rng.integers(1, max(2, n // 5) + 1)), replace=False):
            v[i] = -abs(v[i]) if v[i] != 0 else -scale
    # missing
    if rng.random() < 0.35:
        for i in rng.choice(n, size=int(rng.integers(1, max(2, n // 5) + 1)), replace=False):
            v[i] = np.nan
    return [float(x) for x in v]


def gen_previous(rng: np.random.Generator, cur: list[float]) -> list[float]:
    """Previous-period values for the same units: trend, exact ties (ratio 1), noise, outliers."""
    mode = rng.choice(["trend", "same", "mixed", "independent"], p=[0.45, 0.1, 0.35, 0.1])
    growth = float(np.exp(rng.normal(0, 0.1)))
    prev = []
    for c in cur:
        base = c if not math.isnan(c) and c != 0 else float(np.exp(rng.normal(3, 1)))
        if mode == "same":
            p = base
        elif mode == "independent":
            p = float(np.exp(rng.normal(3, 1)))
        elif mode == "mixed" and rng.random() < 0.5:
            p = base  # ratio exactly 1 for many units -> ties in r and E
        else:
            p = base / (growth * float(np.exp(rng.normal(0, 0.08))))
        prev.append(r4(p) if abs(r4(p)) > 0 else p)
    # ratio outliers: previous far away from current
    for _ in range(int(rng.integers(0, 3))):
        i = int(rng.integers(0, len(prev)))
        prev[i] = r4(prev[i] * float(rng.choice([0.05, 0.2, 5.0, 30.0])))
    # zeros / negatives / missing in history
    for kind, prob in (("zero", 0.15), ("negative", 0.15), ("missing", 0.3)):
        if rng.random() < prob:
            for i in rng.choice(len(prev), size=int(rng.integers(1, max(2, len(prev) // 6) + 1)),
                                replace=False):
                if kind == "zero":
                    prev[i] = 0.0
                elif kind == "missing":
                    prev[i] = float("nan")
                else:
                    prev[i] = -abs(prev[i]) if not math.isnan(prev[i]) and prev[i] != 0 else -5.0
    return [float(x) for x in prev]


def gen_params(rng: np.random.Generator, method: str, with_hist: bool, side: str) -> dict:
    p = dict(side=side, mii=None, mei=None, mdm=None, exponent=None, beta_i=None, beta_e=None,
             sigma=None, start_centile=None, min_obs=None, accept_zero=None, accept_negative=None)
    if method in ("current", "historic"):
        mode = rng.choice(["both", "mii", "mei"], p=[0.6, 0.2, 0.2])
        mei = float(rng.choice([1.0, 1.5, 2.0, 2.5, 3.0, 4.0, round(float(rng.uniform(0.5, 5)), 2)]))
        mii = mei + float(rng.choice([0.5, 1.0, 2.0, 3.0, round(float(rng.uniform(0.1, 4)), 2)]))
        if mode in ("both", "mii"):
            p["mii"] = mii
        if mode in ("both", "mei"):
            p["mei"] = mei
        u = rng.random()
        if u < 0.2:
            p["mdm"] = 0.05
        elif u < 0.6:
            p["mdm"] = float(rng.choice([0.0, 0.01, 0.1, 0.25, 0.5]))
        if method == "historic" and rng.random() < 0.85:
            p["exponent"] = float(rng.choice([0.0, 0.3, 0.5, 1.0]))
        if rng.random() < 0.6:
            p["min_obs"] = int(rng.integers(3, 13))
    else:
        mode = rng.choice(["both", "beta_i", "beta_e"], p=[0.6, 0.2, 0.2])
        be = float(rng.choice([0.5, 1.0, 1.5, 2.0, round(float(rng.uniform(0.2, 3)), 2)]))
        bi = be + float(rng.choice([0.25, 0.75, 1.0, 2.0, round(float(rng.uniform(0.1, 3)), 2)]))
        if mode in ("both", "beta_i"):
            p["beta_i"] = bi
        if mode in ("both", "beta_e"):
            p["beta_e"] = be
        u = rng.random()
        if u < 0.3:
            p["sigma"] = "MAD"
        elif u < 0.65:
            p["sigma"] = "STD"
        if rng.random() < 0.6:
            if side == "BOTH":
                p["start_centile"] = float(rng.choice([50, 60, 65, 75, 80, 90, 95, 62.5]))
            else:
                p["start_centile"] = float(rng.choice([0, 10, 25, 50, 60, 75, 90, 33.3]))
        if rng.random() < 0.6:
            p["min_obs"] = int(rng.integers(5, 13))
    if not with_hist:
        for key in ("accept_zero", "accept_negative"):
            u = rng.random()
            if u < 0.35:
                p[key] = True
            elif u < 0.6:
                p[key] = False
    else:
        # Banff ignores these with a warning in ratio mode; exercise that rarely.
        if rng.random() < 0.1:
            p["accept_zero"] = bool(rng.random() < 0.5)
        if rng.random() < 0.1:
            p["accept_negative"] = bool(rng.random() < 0.5)
    return p


def gen_case(rng: np.random.Generator, idx: int, method: str, with_hist: bool, side: str):
    ngroups = int(rng.choice([1, 2, 3], p=[0.4, 0.35, 0.25]))
    groups = ["A", "B", "C"][:ngroups]
    units, hist_only = [], []
    uid, hid = 0, 0
    allow_neg = True
    for g in groups:
        u = rng.random()
        if u < 0.12:
            n = int(rng.integers(3, 10))      # small: often below min_obs
        elif u < 0.82:
            n = int(rng.integers(10, 28))
        else:
            n = int(rng.integers(28, 41))
        cur = gen_values(rng, n, allow_neg)
        prev = gen_previous(rng, cur) if with_hist else [None] * n
        for c, pv in zip(cur, prev):
            uid += 1
            in_hist = with_hist and rng.random() > 0.08  # ~8% current-only units
            units.append({"id": f"U{uid:03d}", "group": g,
                          "current": num_or_none(c),
                          "previous": num_or_none(pv) if in_hist else None,
                          "in_history": bool(in_hist)})
        if with_hist and rng.random() < 0.4:
            for _ in range(int(rng.integers(1, 4))):
                hid += 1
                pv = float(rng.choice([r4(float(np.exp(rng.normal(3, 1)))), 0.0, np.nan]))
                hist_only.append({"id": f"H{hid:03d}", "group": g, "previous": num_or_none(pv)})
    params = gen_params(rng, method, with_hist, side)
    return {"id": f"case-{idx:04d}", "method": method, "with_history": with_hist,
            "params": params, "units": units, "history_only": hist_only}


# --------------------------------------------------------------------------- run one case
def banff_kwargs(case: dict) -> dict:
    p = case["params"]
    kw = {"method": case["method"].upper(), "side": p["side"]}
    for k in ("mii", "mei", "mdm", "exponent", "beta_i", "beta_e", "sigma", "start_centile",
              "min_obs", "accept_zero", "accept_negative"):
        if p[k] is not None:
            kw[k] = p[k]
    return kw


def frames(case: dict):
    cur = pd.DataFrame({
        "ident": [u["id"] for u in case["units"]],
        "grp": [u["group"] for u in case["units"]],
        "y": [np.nan if u["current"] is None else u["current"] for u in case["units"]],
    })
    if not case["with_history"]:
        return cur, None
    rows = [(u["id"], u["group"], np.nan if u["previous"] is None else u["previous"])
            for u in case["units"] if u["in_history"]]
    rows += [(h["id"], h["group"], np.nan if h["previous"] is None else h["previous"])
             for h in case["history_only"]]
    hist = pd.DataFrame(rows, columns=["ident", "grp", "y"])
    return cur, hist


def run_case(case: dict):
    cur, hist = frames(case)
    res, err, log = run_banff(cur, hist, banff_kwargs(case))
    if err is not None:
        return None, f"{type(err).__name__}: {err}".splitlines()[0] + " | " + " ".join(
            l.strip() for l in log.splitlines() if "ERROR" in l)
    group_of = {u["id"]: u["group"] for u in case["units"]}
    summ = res.outsummary.to_pandas()
    summary = []
    for _, row in summ.iterrows():
        d = {"group": clean(row["grp"])}
        d.update({str(k): clean(v) for k, v in row.items()})
        summary.append(d)
    status = res.outstatus.to_pandas()
    det = res.outstatus_detailed.to_pandas()
    st = {r["ident"]: r["STATUS"] for _, r in status.iterrows()}
    assert len(status) == len(det) and set(st) == set(det["ident"]), "outstatus vs detailed mismatch"
    flags = []
    for _, row in det.iterrows():
        d = {"unit": row["ident"], "group": group_of[row["ident"]], "status": st[row["ident"]],
             "outlier_status": row["OUTLIER_STATUS"]}
        d.update({str(k): clean(v) for k, v in row.items()})
        flags.append(d)
    out = dict(case)
    out["summary"] = summary
    out["flags"] = flags
    w = warnings_from_log(log)
    if w:
        out["warnings"] = w
    return out, None


# --------------------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"RNG seed (default {DEFAULT_SEED})")
    ap.add_argument("--cases", type=int, default=DEFAULT_CASES,
                    help=f"number of cases to keep (default {DEFAULT_CASES})")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output JSON path")
    args = ap.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    cases, rejected = [], []
    counts: dict[str, int] = {}
    attempt = 0
    while len(cases) < args.cases:
        k = len(cases)  # cycle on kept cases so rejected combos are retried with the same kind
        method, with_hist = KINDS[k % len(KINDS)]
        side = SIDES[(k // len(KINDS)) % len(SIDES)]
        attempt += 1
        if attempt > args.cases * 20:
            raise SystemExit("too many rejected parameter combinations")
        case = gen_case(rng, len(cases) + 1, method, with_hist, side)
        out, err = run_case(case)
        if out is None:
            rejected.append(err)
            continue
        cases.append(out)
        key = f"{'sigmagap-hist' if method == 'sigmagap' and with_hist else method}/{side}"
        counts[key] = counts.get(key, 0) + 1

    doc = {
        "generator": "Tests/Oracles/banff_outlier.py",
        "oracle": f"Statistics Canada Banff {getattr(banff, '__version__', '?')} (PyPI 'banff', GPL-3), "
                  "used only as an outside black-box oracle",
        "seed": args.seed,
        "case_count": len(cases),
        "counts": dict(sorted(counts.items())),
        "notes": "params hold what was passed to Banff (null = not passed, Banff default applies). "
                 "units[].previous is null when the unit is absent from indata_hist or its history "
                 "value is missing; units[].in_history tells the two apart. summary/flags columns are "
                 "Banff's outsummary/outstatus_detailed verbatim (NaN -> null).",
        "cases": cases,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=1, allow_nan=False)
        fh.write("\n")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes), {len(cases)} cases, "
          f"{len(rejected)} rejected parameter sets", file=sys.stderr)
    for k, v in sorted(counts.items()):
        print(f"  {k}: {v}", file=sys.stderr)
    for r in rejected[:10]:
        print(f"  rejected: {r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
