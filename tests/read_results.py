#!/usr/bin/env python3
"""Opens a brink result the way an analyst would and checks it against the data dictionary.

    tests/read_results.py results/HASH [results/README.md]

Reads every Parquet file of the result with pandas (pyarrow), polars and DuckDB, and the header
of every CSV table; checks that each reader sees the same rows and the columns results/README.md
documents (Parquet files: in its order, `<parameter>` standing for the swept parameters, then
those drawn from the posterior, as config.toml lists them, and `lever_<lever>` for the levers
that a policy family gives as a range); that strings are not Arrow
string_view (which pyarrow before 15 cannot read); and that the Parquet metadata describes every
column. Exits 1 naming what differs. Needs pandas, pyarrow, polars and duckdb.
"""
import csv
import json
import pathlib
import re
import sys
import tomllib

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

result = pathlib.Path(sys.argv[1])
here = pathlib.Path(__file__).resolve().parent
readme = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else here.parent / "results" / "README.md"
problems = []


def sections(text):
    """The names in the first column of the table under each `## \\`file\\`` heading, row by row."""
    out, name = {}, None
    for line in text.splitlines():
        m = re.match(r"^## `([^`]+)`", line)
        if m:
            name = m.group(1)
            out[name] = []
        elif line.startswith("## "):
            name = None
        elif name and line.startswith("| `"):
            out[name].append(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return out


config = tomllib.loads((result / "config.toml").read_text())
manifest = json.loads((result / "manifest.json").read_text())
swept = list(config.get("uncertain", {}).keys())
drawn = [p for p in config.get("posterior", {}).get("params", []) if p not in swept]
risks = [
    "deadly_incident_or_worse",
    "limited_strikes_or_worse",
    "war_or_worse",
    "nuclear_use",
    "nuclear_accident",
    "onward_transfer",
]
# Levers given as a range ({ low, high }) in some policy (a family): one `lever_<lever>` column
# each, in lever order (the order of the keys of every [policies.NAME] table).
tables = list(config.get("policies", {}).values())
order = [k for k in (tables[0] if tables else {}) if k != "summary"]
levers = [k for k in order if any(isinstance(t.get(k), dict) for t in tables)]
expand = {
    "<parameter>": swept + drawn,
    "<lever>": levers,
    "<risk>": risks,
    "<reference>": [manifest["reference_policy"]],
}


def documented(rows, file):
    """The documented names, placeholders expanded, in order; a row naming several columns
    with a placeholder gives them value by value (`a_low`, `a_high`, `b_low`, ...); a placeholder
    without values (no family, so no `lever_<lever>`) gives no column."""
    out = []
    for names in rows:
        for key in [k for k in expand if any(k in n for n in names)]:
            values = swept if (file == "prim.csv" and key == "<parameter>") else expand[key]
            names = [n.replace(key, v) if key in n else n for v in values for n in names]
            names = list(dict.fromkeys(names))
        out.extend(names)
    return out


doc = sections(readme.read_text())
files = sorted(p.name for p in result.iterdir() if p.suffix in (".parquet", ".csv") and p.name != "posterior.csv")
for name in files:
    if name not in doc:
        problems.append(f"{name}: not documented in {readme}")
for name in [n for n in files if n.endswith(".parquet") and n in doc]:
    path = str(result / name)
    want = documented(doc[name], name)
    by_pandas = pd.read_parquet(path, engine="pyarrow")
    by_polars = pl.read_parquet(path)
    query = f"from read_parquet('{path}')"
    seen = {
        "pandas": (list(by_pandas.columns), len(by_pandas)),
        "polars": (by_polars.columns, by_polars.height),
        "duckdb": (duckdb.sql(f"select * {query} limit 0").columns, duckdb.sql(f"select count(*) {query}").fetchall()[0][0]),
    }
    for reader, (cols, rows) in seen.items():
        if list(cols) != want:
            diff = sorted(set(cols) ^ set(want)) or "the same columns in another order"
            problems.append(f"{name} read by {reader}: {diff} differ from results/README.md")
        if rows != seen["pandas"][1]:
            problems.append(f"{name}: {reader} reads {rows} rows, pandas {seen['pandas'][1]}")
    if name == "runs.parquet" and seen["pandas"][1] != manifest["runs"]:
        problems.append(f"runs.parquet: {seen['pandas'][1]} rows, the manifest says {manifest['runs']} runs")
    for field in pq.read_schema(path):
        if "view" in str(field.type):
            problems.append(f"{name}: {field.name} is {field.type}, which pyarrow before 15 cannot read")
        if not field.metadata or b"description" not in field.metadata:
            problems.append(f"{name}: {field.name} has no description in the Arrow schema")
    meta = pq.read_metadata(path).metadata or {}
    described = [c["name"] for c in json.loads(meta.get(b"brink:columns", b"[]"))]
    if described != want:
        problems.append(f"{name}: the brink:columns metadata does not list the columns")
    if not all(isinstance(v, str) for v in by_pandas["policy"].head()):
        problems.append(f"{name}: pandas does not read policy as strings")
for name in [n for n in files if n.endswith(".csv") and n in doc]:
    with open(result / name, newline="") as f:
        header = next(csv.reader(f))
    want = documented(doc[name], name)
    if sorted(header) != sorted(want):
        problems.append(f"{name}: columns {sorted(set(header) ^ set(want))} differ from results/README.md")

if problems:
    print(f"{result}: {len(problems)} problem(s):\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print(
    f"{result}: {', '.join(files)} read by pandas {pd.__version__} (pyarrow {pa.__version__}), "
    f"polars {pl.__version__} and DuckDB {duckdb.__version__}; columns as results/README.md documents"
)
