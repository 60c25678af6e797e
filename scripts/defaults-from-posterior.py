#!/usr/bin/env python3
"""Sets the defaults of the calibrated behaviour parameters (those whose source in
crates/core/src/params.rs starts with "posterior median") to the medians of
configs/posterior.csv, rounded to two significant digits. Run after `brink calibrate --out
configs/posterior.csv`; then rebuild, update the pinned fingerprint
(crates/core/tests/version.rs says how) and the catalogue (scripts/update-model-md.sh)."""
import csv, io, math, re, sys

post = open('configs/posterior.csv').read()
rows = list(csv.reader(io.StringIO('\n'.join(l for l in post.splitlines() if not l.startswith('#')))))
header, data = rows[0], rows[1:]
def median(col):
    v = sorted(float(r[col]) for r in data)
    return v[round((len(v) - 1) * 0.5)]
def two(x):
    if x == 0:
        return 0.0
    d = 2 - int(math.floor(math.log10(abs(x)))) - 1
    return round(x, d)
src = open('crates/core/src/params.rs').read()
changed = 0
for j, name in enumerate(header[2:], start=2):
    pat = re.compile(r'(= "' + name + r'", )([-0-9.e]+)(, \[[^\]]*\], "[^"]*", "[^"]*",\s*"[^"]*", "posterior median)')
    m = pat.search(src)
    if not m:
        continue
    new = repr(two(median(j)))
    if new != m.group(2):
        print(f"{name}: {m.group(2)} -> {new}")
        src = src[:m.start(2)] + new + src[m.end(2):]
        changed += 1
open('crates/core/src/params.rs', 'w').write(src)
print(f"{changed} defaults changed")
