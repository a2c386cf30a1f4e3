"""The notebooks run on a run's outputs and draw every chart; they are committed clean and read
only the columns that Schemas.java declares.

    notebooks/.venv/bin/pytest notebooks            # on out/ (run `mvn -q compile exec:exec` first)
    OUTAGE_OUT=/path/to/out notebooks/.venv/bin/pytest notebooks
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import nbformat
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import outputs
import run_all

HERE = Path(__file__).resolve().parent
SCHEMAS = outputs.REPO_ROOT / "jobs/src/main/java/com/outageimpact/schema/Schemas.java"
READ_CALL = re.compile(r'read_table\(\s*RUN\s*,\s*"(\w+)"\s*,\s*\[([^\]]*)\]\s*\)')


def code_cells(path: Path) -> list:
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def declared_tables() -> dict[str, set[str]]:
    """Each published StructType in Schemas.java, by table name (the constant in lower case), with its columns."""
    text = re.sub(r"//[^\n]*", "", SCHEMAS.read_text())  # comments may hold a ';'
    tables = {}
    for name, body in re.findall(r"public static final StructType (\w+) = new StructType\(\)(.*?);", text, re.S):
        tables[name.lower()] = set(re.findall(r'\.add\("(\w+)"', body))
    return tables


@pytest.fixture(scope="session")
def out() -> Path:
    folder = outputs.resolve(os.environ.get("OUTAGE_OUT", "out"))
    if not (folder / "manifest.json").is_file():
        pytest.fail(f"no run outputs at {folder} (run `mvn -q compile exec:exec` first, or set OUTAGE_OUT)")
    return folder


@pytest.fixture(scope="session")
def executed(out, tmp_path_factory):
    """Every notebook run once on the outputs; the chart folder and the failures."""
    charts = tmp_path_factory.mktemp("charts")
    failures = run_all.run(out, charts)
    return charts, failures


def test_notebooks_found_and_each_has_its_charts_listed():
    names = [p.name for p in run_all.notebooks()]
    assert names == sorted(run_all.CHARTS), "run_all.CHARTS must list the charts of exactly these notebooks"
    assert len(names) == 5
    every = [c for charts in run_all.CHARTS.values() for c in charts]
    assert len(every) == len(set(every)), "chart names must be unique"
    assert set(run_all.PUBLISHED) <= set(every)


def test_every_notebook_runs_without_a_failing_cell(executed):
    _, failures = executed
    assert failures == []


@pytest.mark.parametrize("chart", [c for charts in run_all.CHARTS.values() for c in charts])
def test_chart_is_written_and_not_blank(executed, chart):
    charts, _ = executed
    png = charts / f"{chart}.png"
    assert png.is_file(), f"{png} was not written"
    assert png.stat().st_size > 5_000, f"{png} is only {png.stat().st_size} bytes"
    pixels = matplotlib.image.imread(png)
    height, width = pixels.shape[:2]
    assert height >= 200 and width >= 300, f"{png} is {width}x{height}"
    rgb = pixels[..., :3].reshape(-1, 3)
    assert rgb.std() > 0.05, f"{png} is nearly one colour"
    # Something besides black, white and greys was drawn (data, not only axes and text).
    coloured = (rgb.max(axis=1) - rgb.min(axis=1)) > 0.2
    assert coloured.mean() > 0.001, f"{png} has almost no coloured pixels"


@pytest.mark.parametrize("path", sorted(HERE.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_committed_notebook_is_cleared(path):
    for i, cell in enumerate(code_cells(path)):
        assert cell.outputs == [], f"{path.name} code cell {i} has outputs"
        assert cell.execution_count is None, f"{path.name} code cell {i} has an execution count"


@pytest.mark.parametrize("path", sorted(HERE.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_notebook_has_a_parameters_cell_first(path):
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and len(cells[0].source.split()) > 15, \
        f"{path.name} must open by saying what it shows"
    code = code_cells(path)
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0], f"{path.name}: the first code cell, and only it, is tagged 'parameters'"
    assert re.search(r'^OUT = os\.environ\.get\("OUTAGE_OUT", "out"\)$', code[0].source, re.M), \
        f"{path.name}: OUT defaults to out/ and is overridable by OUTAGE_OUT"


@pytest.mark.parametrize("path", sorted(HERE.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name)
def test_notebook_reads_only_declared_columns(path):
    tables = declared_tables()
    assert {"timeline", "business_impact", "sector_impact"} <= set(tables), "Schemas.java was not parsed"
    source = "\n".join(c.source for c in code_cells(path))
    calls = READ_CALL.findall(source)
    assert calls, f"{path.name} reads no table"
    assert len(calls) == source.count("read_table("), \
        f"{path.name}: every read_table call names RUN (the committed run of OUT), the table and a literal list of columns"
    for table, listed in calls:
        columns = re.findall(r'"(\w+)"', listed)
        assert table in tables, f"{path.name} reads {table}, which Schemas.java does not declare"
        undeclared = sorted(set(columns) - tables[table])
        assert not undeclared, f"{path.name} reads {table} columns {undeclared} not declared in Schemas.java"
    for other in ("read_parquet", "pq.read", "ds.dataset", "pyarrow"):
        assert other not in source, f"{path.name} reads Parquet other than through read_table ({other})"


def test_run_all_fails_naming_the_notebook_and_cell(tmp_path):
    result = subprocess.run(
        [sys.executable, str(HERE / "run_all.py"), "--out", str(tmp_path / "missing"),
         "--charts", str(tmp_path / "charts")],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stdout + result.stderr
    for path in run_all.notebooks():
        assert re.search(rf"{re.escape(path.name)}: cell \d+ .*FileNotFoundError", result.stderr), result.stderr


def test_read_table_reads_hive_partitions_as_strings(tmp_path):
    for incident, sector, business in [("a", "retail", "b1"), ("a", "finance", "b2"), ("b", "retail", "b3")]:
        folder = tmp_path / "business_impact" / f"incident_id={incident}" / f"sector={sector}"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"business_id": [business], "net_loss": [1.5]}), folder / "part-0.parquet")
    (tmp_path / "business_impact" / "_SUCCESS").write_text("")
    frame = outputs.read_table(tmp_path, "business_impact", ["incident_id", "sector", "business_id", "net_loss"])
    rows = sorted(frame.itertuples(index=False, name=None))
    assert rows == [("a", "finance", "b2", 1.5), ("a", "retail", "b1", 1.5), ("b", "retail", "b3", 1.5)]
    assert all(isinstance(v, str) for v in frame["sector"])
    with pytest.raises(KeyError, match="no column"):
        outputs.read_table(tmp_path, "business_impact", ["sla_credit"])
    with pytest.raises(FileNotFoundError, match="no table 'timeline'"):
        outputs.read_table(tmp_path, "timeline", ["reports"])


def test_tables_are_read_from_the_run_the_manifest_commits(tmp_path):
    """``out/manifest.json`` names the committed run's folder; a folder without one is read as is."""
    run = tmp_path / "runs" / "r2"
    run.mkdir(parents=True)
    (tmp_path / "runs" / "r1").mkdir()
    (tmp_path / "manifest.json").write_text('{"run_id": "r2", "tables": "runs/r2"}')
    (run / "manifest.json").write_text('{"run_id": "r2", "tables": "."}')
    assert outputs.committed_run(tmp_path) == run.resolve()
    assert outputs.committed_run(run) == run.resolve(), "a run's own folder reads as itself"
    assert outputs.read_manifest(tmp_path)["run_id"] == "r2"
    assert outputs.committed_run(tmp_path / "runs" / "r1") == (tmp_path / "runs" / "r1").resolve()


def test_insured_and_duration_tables_hold_together(out):
    """What notebook 05 draws: per sector, paid + kept + uninsured is the net loss and each interval
    holds its estimate; the total duration curve grows with the duration, its ALL row is the sectors'
    sum, its bands hold the estimates, and `extrapolated` marks exactly the durations beyond twice
    the observed one."""
    run = outputs.committed_run(out)
    if (run / "insured_sector_impact").is_dir():
        insured = outputs.read_table(run, "insured_sector_impact", [
            "incident_id", "sector", "net_loss", "insured_loss", "insured_loss_low", "insured_loss_high",
            "retained_loss", "uninsured_loss", "policies", "policies_triggered"])
        assert not insured.empty
        parts = insured["insured_loss"] + insured["retained_loss"] + insured["uninsured_loss"]
        assert (abs(parts - insured["net_loss"]) <= 1e-6 * insured["net_loss"].abs().clip(lower=1)).all()
        assert (insured["insured_loss_low"] <= insured["insured_loss"] + 1e-9).all()
        assert (insured["insured_loss"] <= insured["insured_loss_high"] + 1e-9).all()
        assert (insured["insured_loss_low"] >= 0).all()
        assert (insured["policies_triggered"] <= insured["policies"]).all()
    scenarios = outputs.read_table(run, "duration_scenarios", [
        "incident_id", "sector", "duration_hours", "net_loss", "net_loss_low", "net_loss_high", "insured_loss",
        "insured_loss_low", "insured_loss_high", "observed_hours", "extrapolated"])
    assert not scenarios.empty
    assert ((scenarios["duration_hours"] > 2 * scenarios["observed_hours"]) == scenarios["extrapolated"]).all()
    assert (scenarios["net_loss_low"] <= scenarios["net_loss"] + 1e-9).all()
    assert (scenarios["net_loss"] <= scenarios["net_loss_high"] + 1e-9).all()
    for incident, rows in scenarios.groupby("incident_id"):
        total = rows[rows["sector"] == "ALL"].set_index("duration_hours").sort_index()
        sectors = rows[rows["sector"] != "ALL"].groupby("duration_hours")["net_loss"].sum().sort_index()
        assert len(total) == len(sectors) > 1, incident
        assert ((total["net_loss"] - sectors).abs() <= 1e-6 * sectors.abs().clip(lower=1)).all(), incident
        # The total grows with the duration. One sector's curve may dip where refunds outweigh sales
        # in a quarter-hour of its baseline (the sample's emergency services between 1 and 2 hours).
        assert total["net_loss"].is_monotonic_increasing, incident
        insured = total["insured_loss"]
        if insured.notna().any():
            assert insured.is_monotonic_increasing, incident
            assert (total["insured_loss_low"] <= insured + 1e-9).all() and (insured <= total["insured_loss_high"] + 1e-9).all()
