"""Execute every notebook in this folder on a run's outputs, saving each chart as PNG.

    python notebooks/run_all.py [--out out] [--charts target/notebook-charts] [--publish docs/img]
                                [--executed DIR] [--timeout 300]

Runs each notebook top to bottom with nbclient (matplotlib on the Agg backend, no display needed),
with OUTAGE_OUT and CHARTS_DIR set for its parameters cell. The committed notebooks are not
modified; --executed writes the executed copies (with outputs) to DIR. --publish copies the
charts shown in docs/notebooks.md (PUBLISHED) from the chart folder to DIR. Exits 1 if any cell fails, naming the
notebook and the cell, after trying every notebook.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

HERE = Path(__file__).resolve().parent

# The charts each notebook saves (the test checks that every one is written).
CHARTS = {
    "01_incident_overview.ipynb": ["incident_timeline", "timeline_by_service", "response_times"],
    "02_sector_impact.ipynb": ["sector_net_loss", "sector_gross_recovered", "sector_shares",
                               "sector_critical_sla", "breakdown_net_loss"],
    "03_cascade.ipynb": ["cascade_graph", "root_cause_candidates", "component_exposure"],
    "04_business_drilldown.ipynb": ["top_businesses", "business_expected_actual", "business_detail"],
    "05_insured_and_duration.ipynb": ["insured_vs_economic", "loss_vs_duration"],
}
# The charts shown in docs/notebooks.md (files in docs/img/).
PUBLISHED = ["incident_timeline", "sector_net_loss", "cascade_graph", "top_businesses", "insured_vs_economic",
             "loss_vs_duration"]


def notebooks() -> list[Path]:
    return sorted(HERE.glob("[0-9][0-9]_*.ipynb"))


def _absolute(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (Path.cwd() / p).resolve()


def _failed_cell(nb, error: Exception) -> str:
    """'cell N' (1-based, counting every cell) of the first code cell whose output is an error."""
    for index, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                return f"cell {index} ({first_line[:60]!r}): {output.get('ename')}: {output.get('evalue')}"
    return f"{type(error).__name__}: {str(error).strip().splitlines()[-1] if str(error).strip() else ''}"


def run(out: Path, charts: Path, executed: Path | None = None, timeout: int = 300) -> list[str]:
    """Execute every notebook; the failures as 'notebook: cell ...' lines (empty: all passed)."""
    saved = dict(os.environ)
    # The kernels inherit these: the parameters cells read OUTAGE_OUT, outputs.save reads CHARTS_DIR.
    os.environ["OUTAGE_OUT"] = str(out)
    os.environ["CHARTS_DIR"] = str(charts)
    os.environ["MPLBACKEND"] = "Agg"
    # Find the python3 kernel of the interpreter running this first, so that the notebooks run in
    # this environment even where the user has another python3 kernel installed.
    own = str(Path(sys.prefix) / "share" / "jupyter")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([own] + [p for p in [os.environ.get("JUPYTER_PATH")] if p])
    charts.mkdir(parents=True, exist_ok=True)
    try:
        return _execute_all(executed, timeout)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _execute_all(executed: Path | None, timeout: int) -> list[str]:
    failures = []
    for path in notebooks():
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(HERE)}})
        began = time.monotonic()
        try:
            client.execute()
            status = "ok"
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
            failures.append(f"{path.name}: {_failed_cell(nb, error)}")
            status = "FAILED"
        print(f"{path.name}: {status} in {time.monotonic() - began:.1f} s", flush=True)
        if executed is not None:
            executed.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, executed / path.name)
    return failures


def publish(charts: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in PUBLISHED:
        shutil.copyfile(charts / f"{name}.png", dest / f"{name}.png")
        print(f"published {dest / (name + '.png')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="out", help="the run's output folder (default: out)")
    parser.add_argument("--charts", default="target/notebook-charts", help="where the PNGs go")
    parser.add_argument("--publish", help="copy the charts docs/notebooks.md shows here (e.g. docs/img)")
    parser.add_argument("--executed", help="write the executed notebooks (with outputs) here")
    parser.add_argument("--timeout", type=int, default=300, help="seconds a cell may take")
    args = parser.parse_args(argv)

    failures = run(_absolute(args.out), _absolute(args.charts),
                   _absolute(args.executed) if args.executed else None, args.timeout)
    if failures:
        print("notebooks failed:", file=sys.stderr)
        for line in failures:
            print("  " + line, file=sys.stderr)
        return 1
    if args.publish:
        publish(_absolute(args.charts), _absolute(args.publish))
    return 0


if __name__ == "__main__":
    sys.exit(main())
