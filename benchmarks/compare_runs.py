#!/usr/bin/env python3
"""Compares the latest committed run of two output folders, table by table, exactly (row order
aside), and their manifests but for run ids, times, stage timings and --out. For float columns
that differ it prints the largest relative difference. Exit status 1 when anything differs.
Used to check that a change which should not move a number does not (e.g. a refactoring):

    notebooks/.venv/bin/python benchmarks/compare_runs.py OUT_BEFORE OUT_AFTER
"""
import json, os, sys
import numpy as np
import pyarrow.dataset as ds


def latest(out):
    manifest = json.load(open(os.path.join(out, 'manifest.json')))
    return manifest, os.path.join(out, manifest['tables'])


def tables(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        parts = os.path.relpath(dirpath, root).split(os.sep)
        if any('=' in p for p in parts):
            continue  # inside a partitioned table
        if any(f.endswith('.parquet') for f in filenames) or any('=' in d for d in dirnames):
            found.append(os.path.relpath(dirpath, root))
            dirnames[:] = []
    return sorted(found)


def load(path):
    df = ds.dataset(path, format='parquet', partitioning='hive').to_table().to_pandas()
    df = df[sorted(df.columns)]
    for c in df.columns:
        if df[c].dtype.kind not in 'fiub':
            df[c] = df[c].astype(str)
    # Rows line up by their exact columns first: sorted by a float first, a last-bit difference
    # could reorder two rows and pair each with the other's copy.
    exact = [c for c in df.columns if df[c].dtype.kind != 'f']
    return df.sort_values(exact + [c for c in df.columns if c not in exact]).reset_index(drop=True)


def main(a, b):
    (ma, ra), (mb, rb) = latest(a), latest(b)
    bad = 0
    ta, tb = tables(ra), tables(rb)
    if ta != tb:
        print('tables differ:', sorted(set(ta) ^ set(tb)))
        bad += 1
    for t in (t for t in ta if t in tb):
        x, y = load(os.path.join(ra, t)), load(os.path.join(rb, t))
        same = x.shape == y.shape and list(x.columns) == list(y.columns) and x.equals(y)
        note = ''
        if not same and x.shape == y.shape and list(x.columns) == list(y.columns):
            worst = []
            for c in x.columns:
                if x[c].dtype.kind == 'f':
                    d = np.nanmax(np.abs(x[c] - y[c]) / np.maximum(np.abs(x[c]), 1e-300)) if len(x) else 0
                    if d > 0:
                        worst.append(f'{c}:{d:.1e}')
                elif not x[c].equals(y[c]):
                    worst.append(f'{c}:not a float')
            note = ' ' + ' '.join(worst)
        print(f"{t}: {x.shape[0]} rows {'same' if same else 'DIFFERENT (' + str(y.shape[0]) + ' rows)'}{note}")
        bad += not same
    for m in (ma, mb):
        m.get('parameters', {}).pop('out', None)
        for key in ('run_id', 'started_at', 'finished_at', 'stages', 'tables', 'previous_tables'):
            m.pop(key, None)
    if ma != mb:
        print('manifest differs:', sorted(k for k in set(ma) | set(mb) if ma.get(k) != mb.get(k)))
        bad += 1
    else:
        print('manifest: same (run ids, times and stage timings aside)')
    print('differences:', bad)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
