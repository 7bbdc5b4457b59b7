#!/usr/bin/env python3
"""Reference re-implementation of selected COINr (bluefoxr/COINr, v1.1.14, HEAD b968203) functions.

Mirrors the R code line by line, including R's NA / three-valued-logic semantics.
NA is represented as None in inputs; NaN (float) is R's NaN.  Pure stdlib (math.fsum ~ R's
long-double sum()).  Run:  python3 Tests/Oracles/coinr_treat.py  (prints the numbers ConstructionTests checks)
"""
import math

NA = None


def fmt(v):
    if v is None:
        return "NA"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        if isinstance(v, float) and math.isnan(v):
            return "NaN"
        return f"{v:.10g}"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fmt(e) for e in v) + "]"
    return str(v)


def isna(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def rmean(x):  # R mean(): long-double sum / n, plus a correction pass
    n = len(x)
    s = math.fsum(x) / n
    return s + math.fsum(xi - s for xi in x) / n


# ---------------------------------------------------------------- R/treat.R: skew, kurt
def skew(x, na_rm=False):
    if any(isna(v) for v in x):
        if na_rm:
            x = [v for v in x if not isna(v)]
        else:
            return NA
    n = len(x)
    if n < 3:
        return NA
    m = rmean(x)
    d = [v - m for v in x]
    s2 = math.fsum(v * v for v in d)
    s3 = math.fsum(v ** 3 for v in d)
    if s2 == 0:
        return float("nan")  # 0/0 in R -> NaN
    y = math.sqrt(n) * s3 / (s2 ** 1.5)
    return y * math.sqrt(n * (n - 1)) / (n - 2)


def kurt(x, na_rm=False):
    if any(isna(v) for v in x):
        if na_rm:
            x = [v for v in x if not isna(v)]
        else:
            return NA
    n = len(x)
    if n < 4:
        return NA
    m = rmean(x)
    d = [v - m for v in x]
    s2 = math.fsum(v * v for v in d)
    s4 = math.fsum(v ** 4 for v in d)
    if s2 == 0:
        return float("nan")
    r = n * s4 / (s2 ** 2)
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


# R three-valued logic helpers (None = NA)
def r_lt(a, b):
    return None if isna(a) else (a < b)


def r_or(a, b):
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def r_and(a, b):
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def r_not(a):
    return None if a is None else (not a)


def check_SkewKurt(x, na_rm=False, skew_thresh=2, kurt_thresh=3.5):
    sk = skew(x, na_rm)
    kt = kurt(x, na_rm)
    ans = r_or(r_lt(None if isna(sk) else abs(sk), skew_thresh), r_lt(kt, kurt_thresh))
    return {"Pass": ans, "Skew": sk, "Kurt": kt}


class RError(Exception):
    pass


def winsorise(x, na_rm=False, winmax=5, skew_thresh=2, kurt_thresh=3.5, force_win=False):
    x = list(x)
    passing = check_SkewKurt(x, na_rm, skew_thresh, kurt_thresh)["Pass"]
    nwin = 0
    imax, imin = [], []           # NOT accumulated: overwritten each iteration (as in R)

    def below():
        return True if winmax is None else (nwin < winmax)

    cond = r_or(r_not(passing), force_win)
    if cond is None:
        raise RError("if(NA): missing value where TRUE/FALSE needed")
    if cond:
        below_winmax = below()
        while True:
            c = r_and(r_or(r_not(passing), force_win), below_winmax)
            if c is None:
                raise RError("while(NA)")
            if not c:
                break
            sk = skew(x, na_rm=True)
            if isna(sk):
                raise RError("if(NA) in direction test")
            if sk >= 0:
                mx = max(v for v in x if not isna(v))
                imax = [i for i, v in enumerate(x) if not isna(v) and v == mx]
                rest = [v for i, v in enumerate(x) if i not in imax and not isna(v)]
                new = max(rest) if rest else -math.inf
                for i in imax:
                    x[i] = new
            else:
                mn = min(v for v in x if not isna(v))
                imin = [i for i, v in enumerate(x) if not isna(v) and v == mn]
                rest = [v for i, v in enumerate(x) if i not in imin and not isna(v)]
                new = min(rest) if rest else math.inf
                for i in imin:
                    x[i] = new
            nwin = len(imax) + len(imin)
            below_winmax = below()
            passing = check_SkewKurt(x, na_rm, skew_thresh, kurt_thresh)["Pass"]
    treated = [""] * len(x)
    for i in imax:
        treated[i] = "winhi"
    for i in imin:
        treated[i] = "winlo"
    return {"x": x, "nwin": nwin, "treated": treated}


def log_CT(x, na_rm=False):
    xs = [v for v in x if not isna(v)]
    if len(xs) < len(x) and not na_rm:
        return {"x": [NA] * len(x), "treated": ["log_CT"] * len(x)}
    mn, mx = min(xs), max(xs)
    out = []
    for v in x:
        if isna(v):
            out.append(NA)
        else:
            a = v - mn + 0.01 * (mx - mn)
            out.append(math.log(a) if a > 0 else (-math.inf if a == 0 else float("nan")))
    return {"x": out, "treated": ["log_CT"] * len(x)}


def treat_default(x, winmax=5, skew_thresh=2, kurt_thresh=3.5, combine_treat=False):
    """Treat.data.frame defaults for one numeric column (na.rm = TRUE everywhere)."""
    try:
        p0 = check_SkewKurt(x, True, skew_thresh, kurt_thresh)
        if p0["Pass"] is None:
            return {"x": list(x), "stage": "untreated (f_pass NA)", "checks": [p0]}
        if p0["Pass"]:
            return {"x": list(x), "stage": "passed, untouched", "checks": [p0]}
        w = winsorise(x, True, winmax, skew_thresh, kurt_thresh, False)
        p1 = check_SkewKurt(w["x"], True, skew_thresh, kurt_thresh)
        if p1["Pass"] is None:
            return {"x": list(x), "stage": "untreated (f_pass NA after f1)", "checks": [p0, p1]}
        if p1["Pass"]:
            return {"x": w["x"], "stage": "winsorised", "nwin": w["nwin"],
                    "treated": w["treated"], "checks": [p0, p1]}
        base = w["x"] if combine_treat else list(x)
        l = log_CT(base, True)
        p2 = check_SkewKurt(l["x"], True, skew_thresh, kurt_thresh)
        if p2["Pass"] is None:
            return {"x": list(x), "stage": "untreated (f_pass NA after f2)", "checks": [p0, p1, p2]}
        return {"x": l["x"], "stage": "log_CT (of ORIGINAL x)" if not combine_treat else "log_CT(winsorised)",
                "nwin": w["nwin"], "checks": [p0, p1, p2]}
    except RError as e:  # Treat.data.frame tryCatch -> warning + untreated column
        return {"x": list(x), "stage": f"error caught ({e}) -> untreated", "checks": []}


# ---------------------------------------------------------------- R/normalise.R
def n_minmax(x, l_u=(0, 100)):
    xs = [v for v in x if not isna(v)]
    mn, mx = min(xs), max(xs)
    return [NA if isna(v) else ((v - mn) / (mx - mn) * (l_u[1] - l_u[0]) + l_u[0]
                                if mx != mn else float("nan")) for v in x]


def n_zscore(x, m_sd=(0, 1)):
    xs = [v for v in x if not isna(v)]
    m = rmean(xs)
    sd = math.sqrt(math.fsum((v - m) ** 2 for v in xs) / (len(xs) - 1))  # stats::sd, n-1
    return [NA if isna(v) else (v - m) / sd * m_sd[1] + m_sd[0] for v in x]


def r_rank_min(x):  # rank(x, ties.method="min", na.last="keep")
    return [NA if isna(v) else 1 + sum(1 for u in x if not isna(u) and u < v) for v in x]


def n_rank(x):
    return r_rank_min(x)


def n_prank(x):
    r = r_rank_min(x)
    k = sum(1 for v in x if not isna(v))
    return [NA if isna(v) else (v - 1) / (k - 1) for v in r]


def n_goalposts(x, gposts, direction=1, trunc2posts=True):
    L, U, a = gposts
    out = []
    for v in x:
        if isna(v):
            out.append(NA); continue
        y = (v - U) / (L - U) if direction == -1 else (v - L) / (U - L)
        if trunc2posts:
            y = min(1.0, max(0.0, y))
        out.append(y * a)
    return out


def normalise_numeric(x, f, direction=1, **para):  # Normalise.numeric: x*direction first
    return f([NA if isna(v) else v * direction for v in x], **para)


# ---------------------------------------------------------------- R/sensitivity.R
def rvar(v):
    m = rmean(v)
    return math.fsum((e - m) ** 2 for e in v) / (len(v) - 1)


def SA_sample_from(XA, XB):
    """SA_sample layout given A (N x d) and B (N x d): rbind(A, B, AB_1..AB_d), AB_i = A with col i from B."""
    N, d = len(XA), len(XA[0])
    XX = [list(r) for r in XA] + [list(r) for r in XB]
    for i in range(d):
        for j in range(N):
            row = list(XA[j]); row[i] = XB[j][i]; XX.append(row)
    return XX


def SA_estimate(yy, N, d):
    assert len(yy) == N * (d + 2)
    yA, yB = yy[:N], yy[N:2 * N]
    varY = rvar(yA + yB)
    Si, STi = [], []
    for i in range(d):
        yABi = yy[(2 + i) * N:(3 + i) * N]
        Si.append(rmean([yB[j] * (yABi[j] - yA[j]) for j in range(N)]) / varY)
        STi.append(math.fsum((yA[j] - yABi[j]) ** 2 for j in range(N)) / (2 * N * varY))
    return varY, Si, STi


def r_cut_codes(x, n_alt):  # cut(x, n_alt, 1:n_alt) -> integer codes (right-closed)
    if n_alt < 2:
        raise RError("invalid number of intervals")
    rx0, rx1 = min(x), max(x)
    dx = rx1 - rx0
    nb = n_alt + 1
    if dx == 0:
        dd = abs(rx0) if rx0 != 0 else 1
        br = [rx0 - dd / 1000 + k * ((rx1 + dd / 1000) - (rx0 - dd / 1000)) / (nb - 1) for k in range(nb)]
    else:
        br = [rx0 + k * dx / (nb - 1) for k in range(nb)]
        br[0], br[-1] = rx0 - dx / 1000, rx1 + dx / 1000
    return [next(k for k in range(1, nb) if br[k - 1] < v <= br[k]) for v in x]


def noisy_weights_one(w, levels, noise, U):
    """One replication of get_noisy_weights given explicit uniforms U (consumed in order)."""
    out = [list(r) for r in w]  # rows: (iCode, Level, Weight)
    k = 0
    for lev, nf in noise:
        for r in out:
            if r[1] == lev:
                r[2] = r[2] + (U[k] * 2 - 1) * nf * r[2]; k += 1
    return out


# ---------------------------------------------------------------- demo
if __name__ == "__main__":
    examples = {
        "A [1..9,100]": [1, 2, 3, 4, 5, 6, 7, 8, 9, 100],
        "B [1,1,2,2,3,3,4,50,60,200,1000,2000]": [1, 1, 2, 2, 3, 3, 4, 50, 60, 200, 1000, 2000],
        "C left-skew [-500,-80,1..10]": [-500, -80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        "D test-treat.R c(1:10,100)": list(range(1, 11)) + [100],
        "E NA + tied max [1..15,NA,100,100]": list(range(1, 16)) + [NA, 100, 100],
        "H winsor fails -> log_CT: [1..50, 1000..1005]": list(range(1, 51)) + list(range(1000, 1006)),
        "I left mirror of H: -[1..50, 1000..1005]": [-v for v in list(range(1, 51)) + list(range(1000, 1006))],
        "F n=3 [1,2,100]": [1, 2, 100],
        "G all-but-one equal [0]*9+[1]": [0] * 9 + [1],
    }
    print("== skew / kurt / treat (defaults winmax=5, skew_thresh=2, kurt_thresh=3.5, na.rm=TRUE)")
    for name, x in examples.items():
        short = lambda v: fmt(v) if len(v) <= 20 else fmt(v[:4]) + " ... " + fmt(v[-8:])
        print(f"\n-- {name}\n x        = {short(x)}")
        print(f" skew     = {fmt(skew(x, True))}   kurt = {fmt(kurt(x, True))}")
        r = treat_default(x)
        print(f" stage    = {r['stage']}" + (f"   nwin = {r['nwin']}" if 'nwin' in r else ""))
        for i, c in enumerate(r["checks"]):
            print(f" check{i}   Pass={fmt(c['Pass'])} Skew={fmt(c['Skew'])} Kurt={fmt(c['Kurt'])}")
        print(f" x_treat  = {short(r['x'])}")
        if "treated" in r:
            print(f" treated  = {r['treated']}")

    print("\n== winsorise trace for B (winmax=None, i.e. unlimited) ")
    w = winsorise(examples["B [1,1,2,2,3,3,4,50,60,200,1000,2000]"], True, None)
    print(f" x={fmt(w['x'])} nwin={w['nwin']}  skew={fmt(skew(w['x']))} kurt={fmt(kurt(w['x']))}")
    fw = winsorise(list(range(1, 21)) + [100, 200], True, 3, force_win=True)
    print(" force_win=TRUE, winmax=3 on c(1:20,100,200) (test-treat.R expects 3 non-empty):")
    print(f"   x={fmt(fw['x'])} nwin={fw['nwin']}")
    print(f"   treated={[(i + 1, t) for i, t in enumerate(fw['treated']) if t]}")

    print("\n== normalisation")
    xn = [3, 1, 4, 1, 5, NA, 9]
    print(f" x                    = {fmt(xn)}")
    print(f" n_minmax (0,100)     = {fmt(n_minmax(xn))}")
    print(f" n_minmax dir=-1      = {fmt(normalise_numeric(xn, n_minmax, -1))}")
    print(f" n_zscore (0,1)       = {fmt(n_zscore(xn))}")
    print(f" n_rank (min ties)    = {fmt(n_rank(xn))}")
    print(f" n_rank dir=-1        = {fmt(normalise_numeric(xn, n_rank, -1))}")
    print(f" n_prank              = {fmt(n_prank(xn))}")
    print(f" n_goalposts (2,8,100)        = {fmt(n_goalposts(xn, (2, 8, 100)))}")
    print(f" n_goalposts (2,8,100) dir=-1 = {fmt(n_goalposts(xn, (2, 8, 100), direction=-1))}")
    print(f" coin/iMeta path, Direction=-1: x*-1, gposts=(-8,-2,100): "
          f"{fmt(normalise_numeric(xn, n_goalposts, -1, gposts=(-8, -2, 100)))}")

    print("\n== sensitivity: SA_estimate on f(x)=x1+2*x2 with fixed A,B (N=4, d=2)")
    XA = [[0.1, 0.7], [0.4, 0.2], [0.8, 0.9], [0.3, 0.5]]
    XB = [[0.6, 0.3], [0.2, 0.8], [0.9, 0.1], [0.5, 0.4]]
    XX = SA_sample_from(XA, XB)
    yy = [r[0] + 2 * r[1] for r in XX]
    print(f" yy = {fmt(yy)}")
    varY, Si, STi = SA_estimate(yy, 4, 2)
    print(f" varY = {fmt(varY)}  Si = {fmt(Si)}  STi = {fmt(STi)}")

    print("\n== sample_2_para discrete: cut(x, 3, 1:3)")
    u = [0.05, 0.5, 0.95, 0.3, 0.35, 0.6501]
    print(f" x = {fmt(u)} -> codes {r_cut_codes(u, 3)}")

    print("\n== get_noisy_weights one rep, NoiseFactor 0.25 at Level 1, U=[0.1,0.5,0.9]")
    w0 = [("i1", 1, 1.0), ("i2", 1, 1.0), ("i3", 1, 2.0), ("P1", 2, 1.0)]
    print(f" {noisy_weights_one(w0, None, [(1, 0.25)], [0.1, 0.5, 0.9])}")
