#!/usr/bin/env python3
"""Prints one SHA-256 per table of the latest committed run under OUT: its rows sorted, floats
rounded to 9 significant digits (the last bits of a double sum may depend on the order Spark adds
in; see canonical), and source_file made relative to the data folder DATA. CI compares the sample
run's digests with data-samples/penlight-outputs.sha256, so a change that moves any published
figure of the sample shows, and one meant to move none (a refactoring) is checked to move none.
After a change that is meant to move figures, write the file again and say why in the commit:

    notebooks/.venv/bin/python benchmarks/output_digest.py out data-samples/penlight \\
        > data-samples/penlight-outputs.sha256
"""
import hashlib, json, os, sys
from decimal import Decimal
import numpy as np
import pyarrow.dataset as ds

from compare_runs import latest, tables  # the run a manifest names, and its tables


def canonical(v):
    """v to 9 significant digits, the same for the sums a change of summation order gives.

    Rounding the double itself is not enough: amounts are exact decimals (six places in the
    reporting currency), so a sum such as 1894.177285 sits exactly on a 9-digit tie, and its last
    bit (1894.1772850000002 when added in another order) decided the rounding. So the double is
    first read as 13 significant digits (its last bits gone, an exact decimal back to itself),
    and that decimal is rounded half-even.
    """
    return float(f'{Decimal(f"{v:.13g}"):.9g}')


def digest(path, data):
    df = ds.dataset(path, format='parquet', partitioning='hive').to_table().to_pandas()
    df = df[sorted(df.columns)]
    for c in df.columns:
        if df[c].dtype.kind == 'f':
            df[c] = [None if np.isnan(v) else canonical(v) for v in df[c]]
        elif c == 'source_file':
            df[c] = [os.path.relpath(v.removeprefix('file:'), data) for v in df[c]]
        elif df[c].dtype.kind not in 'iub':
            df[c] = df[c].map(lambda v: json.dumps(v.tolist() if hasattr(v, 'tolist') else v, default=str))
    rows = sorted(json.dumps(r, default=str) for r in df.to_dict('records'))
    return hashlib.sha256('\n'.join(list(df.columns) + rows).encode()).hexdigest(), len(rows)


def main(out, data):
    _, run = latest(out)
    for table in tables(run):
        sha, rows = digest(os.path.join(run, table), os.path.abspath(data))
        print(f'{sha}  {table} ({rows} rows)')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
