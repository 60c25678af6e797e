#!/usr/bin/env python3
"""Where in the swept space is each policy not the riskiest, and where is the reference the
safest? Reads a sweep's runs.parquet (pip install polars) and prints, per policy, in how many
scenarios it is the riskiest, not the riskiest and the safest of the policies compared on the
chosen outcome, and the parameters (swept, or drawn from the posterior) whose range most
separates those scenarios from the rest (mean of each parameter, as a share of its range across
scenarios, inside against outside).

Usage: scripts/regions.py results/<hash> [--outcome deadly|strikes|war|harm] [--top 4]
"""
import argparse, sys
import polars as pl

ap = argparse.ArgumentParser()
ap.add_argument("result")
ap.add_argument("--outcome", default="deadly", choices=["deadly", "strikes", "war", "harm"])
ap.add_argument("--top", type=int, default=4)
a = ap.parse_args()

runs = pl.read_parquet(f"{a.result}/runs.parquet")
col = {
    "deadly": "first_deadly_incident_or_worse",
    "strikes": "first_limited_strikes_or_worse",
    "war": "first_war_or_worse",
}.get(a.outcome)
y = pl.col(col).is_not_null().cast(pl.Float64) if col else pl.col("harm")
meta = {"run", "scenario", "replication", "policy", "seed", "posterior_row", "status", "error"}
first = runs.columns.index("months")
swept = [c for c in runs.columns[:first] if c not in meta]
per = runs.group_by(["scenario", "policy"]).agg(y.mean().alias("risk"), *[pl.col(c).first() for c in swept])
policies = sorted(per["policy"].unique().to_list())
wide = per.pivot(on="policy", index=["scenario", *swept], values="risk").sort("scenario")
m = len(wide)
risk = wide.select(policies).to_numpy()
rank_max = risk.max(axis=1)
rank_min = risk.min(axis=1)
print(f"{a.result}: {m} scenarios, outcome {a.outcome}; swept: {', '.join(swept)}\n")
lo = {c: wide[c].min() for c in swept}
hi = {c: wide[c].max() for c in swept}
def shifts(mask):
    out = []
    for c in swept:
        span = (hi[c] - lo[c]) or 1.0
        inside = wide.filter(pl.Series(mask))[c]
        outside = wide.filter(~pl.Series(mask))[c]
        if len(inside) == 0 or len(outside) == 0:
            continue
        out.append(((inside.mean() - outside.mean()) / span, c, inside.min(), inside.max()))
    out.sort(key=lambda t: -abs(t[0]))
    return out[: a.top]
for j, p in enumerate(policies):
    riskiest = risk[:, j] == rank_max
    safest = risk[:, j] == rank_min
    print(f"{p:26} riskiest in {riskiest.sum():3d}, not riskiest in {m - riskiest.sum():3d}, safest in {safest.sum():3d} of {m}")
    for label, mask in [("not riskiest", ~riskiest), ("safest", safest)]:
        if 0 < mask.sum() < m:
            s = "; ".join(f"{c} {d:+.2f} of range (inside {x0:.3g}..{x1:.3g})" for d, c, x0, x1 in shifts(mask))
            print(f"    where {label}: {s}")
