#!/usr/bin/env python3
"""Compare a `run` output's net loss with a scenario's truth.json, in units of the truth's noise SD.

Usage: independent_scenario.py OUT_DIR [TRUTH_JSON] [--incident ID]
  OUT_DIR     the `run` job's --out
  TRUTH_JSON  default /work/shared/data/independent-scenario/truth.json

Prints per sector: estimate, truth, error, error / counterfactual_noise_sd, whether the 90%
interval covers the truth, and the same for the total (incident_summary against total_net_loss,
total_noise_sd). Needs pyarrow (e.g. python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pyarrow).
"""
import json
import os
import sys

import pyarrow.parquet as pq


def committed_run(out):
    """The folder of the run that OUT_DIR/manifest.json commits (its "tables"; none: OUT_DIR itself)."""
    manifest = os.path.join(out, "manifest.json")
    folder = None
    if os.path.isfile(manifest):
        with open(manifest) as f:
            folder = json.load(f).get("tables")
    return os.path.join(out, folder) if folder else out


def read(out, table, incident):
    """Rows of one output table as dicts, for one incident (or all when None)."""
    base = os.path.join(out, table)
    parts = sorted(d for d in os.listdir(base) if d.startswith("incident_id="))
    rows = []
    for d in parts:
        iid = d.split("=", 1)[1]
        if incident is not None and iid != incident:
            continue
        # Read the folder's files as one table (no hive inference on the parent).
        for r in pq.read_table(os.path.join(base, d), partitioning=None).to_pylist():
            r["incident_id"] = iid
            rows.append(r)
    return rows


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    incident = None
    if "--incident" in argv:
        incident = argv[argv.index("--incident") + 1]
        args.remove(incident)
    if not args:
        print(__doc__)
        return 2
    out = committed_run(args[0])  # every table from the same run
    truth_path = args[1] if len(args) > 1 else "/work/shared/data/independent-scenario/truth.json"
    with open(truth_path) as f:
        truth = json.load(f)

    summaries = read(out, "incident_summary", incident)
    if incident is None and len(summaries) > 1:
        # The incident whose window overlaps the truth's outage is the one to compare.
        summaries.sort(key=lambda r: -(r.get("net_loss") or 0))
        print("several incidents: " + ", ".join(r["incident_id"] for r in summaries) + "; comparing the largest loss")
    summary = summaries[0]
    incident = summary["incident_id"]
    sectors = {r["sector"]: r for r in read(out, "sector_impact", incident)}

    print(f"incident {incident}" + (f", baseline weeks used {summary['baseline_weeks_used']}"
                                    if "baseline_weeks_used" in summary else ""))
    fmt = "{:<20} {:>12} {:>12} {:>11} {:>8} {:>7} {:>7}"
    print(fmt.format("sector", "estimate", "truth", "error", "err/sd", "err%", "covers"))
    covered = 0
    within = 0
    errs = []
    for name, t in sorted(truth["sectors"].items()):
        e = sectors.get(name)
        if e is None:
            print(f"{name:<20} missing from sector_impact")
            continue
        est, tru, sd = e["net_loss"], t["net_loss"], t["counterfactual_noise_sd"]
        err = est - tru
        cov = e["net_loss_low"] <= tru <= e["net_loss_high"]
        covered += cov
        within += abs(err) <= max(0.05 * abs(tru), 2.5 * sd)
        errs.append(err / sd)
        print(fmt.format(name, f"{est:,.0f}", f"{tru:,.0f}", f"{err:+,.0f}", f"{err / sd:+.2f}",
                         f"{100 * err / tru:+.1f}" if tru else "", "yes" if cov else "NO"))
    est, tru, sd = summary["net_loss"], truth["total_net_loss"], truth["total_noise_sd"]
    err = est - tru
    cov = summary["net_loss_low"] <= tru <= summary["net_loss_high"]
    print(fmt.format("TOTAL", f"{est:,.0f}", f"{tru:,.0f}", f"{err:+,.0f}", f"{err / sd:+.2f}",
                     f"{100 * err / tru:+.1f}", "yes" if cov else "NO"))
    print(f"total interval {summary['net_loss_low']:,.0f} .. {summary['net_loss_high']:,.0f}")
    n = len(errs)
    rms = (sum(x * x for x in errs) / n) ** 0.5 if n else float("nan")
    print(f"sectors: intervals covering {covered} of {n}; within max(5%, 2.5 sd) {within} of {n}; "
          f"RMS error {rms:.2f} sd; max |error| {max(abs(x) for x in errs):.2f} sd")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
