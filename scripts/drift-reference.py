#!/usr/bin/env python3
"""Reference values for the drift statistics (lambda/shared/drift/drift-stats.ts).

Writes test/fixtures/drift/reference.json, which test/lambda/drift-stats.test.ts compares the
TypeScript functions with (to 1e-9). The tests only read the JSON: SciPy is needed to regenerate it,
not to run them. Regenerate after changing a fixture:

    python3 scripts/drift-reference.py            # rewrite the JSON
    python3 scripts/drift-reference.py --check    # exit 1 if the JSON is not what this script writes

Sources of truth (Debian's python3-scipy, or pip's scipy):
- KS: scipy.stats.ks_2samp(a, b).statistic (exact two-sample statistic, ties included).
- JS: scipy.spatial.distance.jensenshannon(p, q, base=2) (a distance in [0, 1]).
- PSI: hand-written below from the definition, with the same epsilon rule the TS code documents:
  p_i = max(count_i / total, epsilon), PSI = sum((a_i - e_i) * ln(a_i / e_i)).
- Binned KS: the empirical CDFs of the raw samples evaluated at the bin edges (not from the bin
  counts, so it checks the TS counts-based code independently), plus the bin counts numpy gives for
  right-closed bins (-inf, e0], (e0, e1], ..., (e_last, +inf).

Every fixture is fixed: literal lists or numpy's PCG64 generator with a fixed seed, values rounded
to a few decimals (so ties occur, and the JSON stays small).
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon
from scipy.stats import ks_2samp

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
OUTPUT = os.path.join(ROOT, "test", "fixtures", "drift", "reference.json")


def hand_psi(expected, actual, epsilon):
    """PSI from its definition; proportions below epsilon are raised to epsilon (no renormalisation)."""
    e_total = float(sum(expected))
    a_total = float(sum(actual))
    value = 0.0
    for e_count, a_count in zip(expected, actual):
        e = max(e_count / e_total, epsilon)
        a = max(a_count / a_total, epsilon)
        value += (a - e) * math.log(a / e)
    return value


def rounded(values, decimals):
    return [round(float(v), decimals) for v in values]


def ks_cases():
    rng = np.random.default_rng(20261122)
    ints_a = rng.choice(6, size=150, p=[0.30, 0.25, 0.20, 0.15, 0.07, 0.03]).tolist()
    ints_b = rng.choice(6, size=90, p=[0.10, 0.15, 0.20, 0.25, 0.20, 0.10]).tolist()
    same = rounded(rng.normal(5, 2, size=250), 2)
    cases = [
        ("normal shifted by 0.3 sd, 300 vs 200, 3 decimals", rounded(rng.normal(0, 1, 300), 3), rounded(rng.normal(0.3, 1, 200), 3)),
        ("integers 0-5, heavy ties within and across samples", ints_a, ints_b),
        ("small hand-checkable ties across samples", [1, 2, 2, 3, 3, 3], [2, 3, 3, 4]),
        ("one value against 500", [0.5], rounded(rng.uniform(0, 1, 500), 4)),
        ("same distribution, 1000 vs 37", rounded(rng.uniform(0, 1, 1000), 4), rounded(rng.uniform(0, 1, 37), 4)),
        ("identical samples", same, list(same)),
        ("disjoint supports", [1.0, 2.0, 3.0], [10.0, 11.0]),
        ("negative values, duplicates, unsorted", [-3.5, 0, 0, 2, -3.5, 7, 0], [0, -1, 2, 2, 9]),
        ("exponential vs lognormal, 400 vs 400, 2 decimals", rounded(rng.exponential(1.0, 400), 2), rounded(rng.lognormal(0, 0.5, 400), 2)),
    ]
    return [{"name": name, "a": a, "b": b, "statistic": float(ks_2samp(a, b).statistic)} for name, a, b in cases]


def histogram(edges, sample):
    """Counts of right-closed bins on edges: bin i holds e_{i-1} < x <= e_i (outer bins open-ended)."""
    index = np.searchsorted(np.asarray(edges, dtype=float), np.asarray(sample, dtype=float), side="left")
    return np.bincount(index, minlength=len(edges) + 1).tolist()


def binned_ks_from_samples(edges, a, b):
    """max over the edges of |F_a(e) - F_b(e)|, F the right-continuous empirical CDF of the raw sample."""
    sa = np.sort(np.asarray(a, dtype=float))
    sb = np.sort(np.asarray(b, dtype=float))
    e = np.asarray(edges, dtype=float)
    fa = np.searchsorted(sa, e, side="right") / len(sa)
    fb = np.searchsorted(sb, e, side="right") / len(sb)
    return float(np.max(np.abs(fa - fb)))


def ks_binned_cases():
    rng = np.random.default_rng(7)
    base = rounded(rng.normal(0, 1, 500), 3)
    shifted = rounded(rng.normal(0.5, 1.2, 300), 3)
    deciles = sorted(set(float(np.quantile(base, q, method="inverted_cdf")) for q in np.arange(1, 10) / 10))
    ints_a = rng.integers(0, 8, 200).tolist()
    ints_b = rng.binomial(7, 0.6, 120).tolist()
    cases = [
        ("normal vs shifted, decile edges of the baseline", deciles, base, shifted),
        ("integers with an edge at every value: binned equals exact", [0, 1, 2, 3, 4, 5, 6, 7], ints_a, ints_b),
        ("values beyond both outer edges", [0.0, 1.0, 2.0], [-5, -1, 0, 0.5, 1, 3, 8], [0, 1.5, 2, 2.5, 9, 10]),
        ("a single edge", [0.0], [-1, -2, 1, 2, 3], [-1, 1]),
        ("same sample on decile edges", deciles, base, list(base)),
    ]
    out = []
    for name, edges, a, b in cases:
        exact = float(ks_2samp(a, b).statistic)
        binned = binned_ks_from_samples(edges, a, b)
        if binned > exact + 1e-12:
            raise SystemExit(f"binned KS {binned} exceeds the exact {exact} in case {name!r}: the lower-bound claim is wrong")
        out.append({
            "name": name, "edges": edges, "a": a, "b": b,
            "countsA": histogram(edges, a), "countsB": histogram(edges, b),
            "statistic": binned, "exactStatistic": exact,
        })
    return out


def psi_cases():
    cases = [
        ("identical counts", [10, 20, 30, 40], [10, 20, 30, 40], 1e-4),
        ("same proportions, different totals", [1, 2, 3, 4], [100, 200, 300, 400], 1e-4),
        ("ten bins, moderate shift", [100] * 10, [80, 85, 90, 95, 100, 100, 105, 110, 115, 120], 1e-4),
        ("ten bins, large shift", [100] * 10, [10, 20, 40, 60, 80, 100, 140, 160, 190, 200], 1e-4),
        ("empty bin in the baseline", [50, 50, 0, 100], [40, 40, 20, 100], 1e-4),
        ("empty bin in the window", [25, 25, 25, 25], [0, 30, 30, 40], 1e-4),
        ("bin empty on both sides", [30, 0, 70], [40, 0, 60], 1e-4),
        ("empty bins, epsilon 1e-6", [50, 50, 0, 100], [0, 40, 20, 140], 1e-6),
        ("two bins", [900, 100], [700, 300], 1e-4),
        ("window entirely in one outer bin", [10, 30, 40, 20], [0, 0, 0, 57], 1e-4),
    ]
    return [{"name": name, "expected": e, "actual": a, "epsilon": eps, "psi": hand_psi(e, a, eps)} for name, e, a, eps in cases]


def js_cases():
    rng = np.random.default_rng(42)
    cats_a = np.bincount(rng.choice(6, 1000, p=[0.4, 0.3, 0.1, 0.1, 0.05, 0.05]), minlength=6).tolist()
    cats_b = np.bincount(rng.choice(6, 700, p=[0.2, 0.2, 0.2, 0.2, 0.1, 0.1]), minlength=6).tolist()
    cases = [
        ("identical", [1, 2, 3], [1, 2, 3]),
        ("same proportions, different totals", [1, 2, 3], [10, 20, 30]),
        ("disjoint supports", [5, 0, 0], [0, 3, 7]),
        ("zeros on one side", [10, 10, 0, 5], [8, 12, 6, 0]),
        ("probabilities", [0.5, 0.25, 0.25], [0.2, 0.3, 0.5]),
        ("six categories from samples of 1000 and 700", cats_a, cats_b),
        ("one bin", [7], [3]),
    ]
    return [{"name": name, "p": p, "q": q, "distance": float(jensenshannon(p, q, base=2))} for name, p, q in cases]


def build():
    return {
        "generatedBy": "scripts/drift-reference.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "notes": (
            "psi: natural log, proportions raised to epsilon; ks: scipy.stats.ks_2samp statistic; "
            "ksBinned: raw-sample CDFs at right-closed bin edges; jensenShannon: scipy.spatial.distance.jensenshannon base 2"
        ),
        "psi": psi_cases(),
        "ks": ks_cases(),
        "ksBinned": ks_binned_cases(),
        "jensenShannon": js_cases(),
    }


def serialise(reference):
    return json.dumps(reference, indent=1, allow_nan=False) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed JSON differs from a fresh run")
    args = parser.parse_args(argv)
    text = serialise(build())
    if args.check:
        with open(OUTPUT, encoding="utf-8") as handle:
            current = handle.read()
        # The versions are informative; a different SciPy must give the same values, not the same header.
        strip = lambda t: {k: v for k, v in json.loads(t).items() if k not in ("scipy", "numpy")}  # noqa: E731
        if strip(current) != strip(text):
            print(f"{OUTPUT} is out of date: run python3 scripts/drift-reference.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {os.path.relpath(OUTPUT, ROOT)}: {sum(len(v) for v in build().values() if isinstance(v, list))} cases (scipy {scipy.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
