"""Reading a run's published outputs for the dashboard: straight from the Parquet folders, no copy.

Every incident table under ``--out`` is a Parquet dataset partitioned Hive-style by
``incident_id=<id>/`` (``business_impact`` also by ``sector=<name>/``). ``Outputs.table`` reads one
incident's rows with pyarrow, pushing the ``incident_id`` filter down so that only that
incident's folder is opened, and hands back pandas. A missing or empty table is not an error
here: it comes back as a ``Missing`` with a sentence the page shows instead of a chart.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Missing:
    """Why a table cannot be shown; the page prints ``message``."""
    message: str


class Outputs:
    """One ``--out`` folder. Reads are cheap (the tables are per incident, small even for big runs)
    and not cached, so a re-run's outputs show on the next page load."""

    def __init__(self, out: str | os.PathLike, tables: Path | None = None):
        self.out = Path(out).expanduser().resolve()
        self._tables = tables

    # -- the committed run ----------------------------------------------------------------------
    def tables(self) -> Path:
        """The folder of the run committed in ``out``: ``manifest.json`` names it (``tables``,
        relative to the manifest's folder); a manifest without the key has its tables beside it."""
        if self._tables is not None:
            return self._tables
        try:
            folder = json.loads((self.out / "manifest.json").read_text()).get("tables")
        except (OSError, ValueError, AttributeError):
            folder = None
        return (self.out / folder).resolve() if folder else self.out

    def pinned(self) -> "Outputs":
        """The same outputs, held to the run committed now: a page drawn from it shows one run even
        if another commits meanwhile (the job keeps the run before the latest for such readers)."""
        return Outputs(self.out, self.tables())

    # -- the manifest ---------------------------------------------------------------------------
    def manifest(self) -> dict:
        try:
            return json.loads((self.tables() / "manifest.json").read_text())
        except (OSError, ValueError):
            return {}

    def currency(self) -> str:
        """The reporting currency the run used (``--reporting-currency``; USD by default)."""
        params = self.manifest().get("parameters") or {}
        for key in ("reporting_currency", "reportingCurrency", "reporting-currency"):
            if params.get(key):
                return str(params[key]).upper()
        return "USD"

    # -- tables -----------------------------------------------------------------------------------
    def _dataset(self, table: str):
        folder = self.tables() / table
        if not folder.is_dir():
            return Missing(f"No table {table} in {self.out} (the run did not write it, or this is "
                           "not a run's output folder).")
        try:
            return ds.dataset(folder, format="parquet", partitioning="hive")
        except (OSError, pa.ArrowInvalid) as e:
            return Missing(f"Table {table} in {self.out} cannot be read: {e}")

    def incidents(self) -> list[str] | Missing:
        """Every incident id in ``incident_summary``, sorted."""
        d = self._dataset("incident_summary")
        if isinstance(d, Missing):
            return d
        if "incident_id" not in d.schema.names:
            return Missing(f"incident_summary in {self.out} has no incident_id column.")
        ids = sorted({str(v) for v in d.to_table(columns=["incident_id"]).column(0).to_pylist()})
        if not ids:
            return Missing(f"No incident in {self.out}: the run found no outage in its reports.")
        return ids

    def table(self, table: str, columns: list[str], incident: str | None) -> pd.DataFrame | Missing:
        """The given columns of one incident's rows of ``out/<table>/``, or ``Missing`` saying why not."""
        d = self._dataset(table)
        if isinstance(d, Missing):
            return d
        absent = [c for c in columns if c not in d.schema.names]
        if absent:
            return Missing(f"Table {table} in {self.out} has no column(s) {', '.join(absent)} "
                           "(written by another version of the jobs?).")
        flt = None
        if incident is not None and "incident_id" in d.schema.names:
            flt = ds.field("incident_id") == incident
        frame = d.to_table(columns=list(columns), filter=flt).to_pandas()
        for name in columns:  # Hive partition values come back dictionary-encoded
            if isinstance(d.schema.field(name).type, pa.DictionaryType):
                frame[name] = frame[name].astype(str)
        if frame.empty:
            what = f" for incident {incident}" if incident else ""
            return Missing(f"Table {table} in {self.out} has no rows{what}.")
        return frame

    # -- the run's inputs the outputs point at ----------------------------------------------------
    def _input_path(self, name: str) -> Path | None:
        entry = (self.manifest().get("inputs") or {}).get(name) or {}
        path = entry.get("path")
        if not path:
            return None
        p = Path(path)
        return p if p.is_absolute() else REPO_ROOT / p

    def graph(self) -> dict | Missing:
        """The dependency graph the run read (``graph.json``, its path from ``manifest.json``)."""
        path = self._input_path("graph")
        if path is None or not path.is_file():
            return Missing("The run's graph.json cannot be found (manifest.json names "
                           f"{path or 'no graph'}): the graph cannot be drawn.")
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError) as e:
            return Missing(f"The run's graph {path} cannot be read: {e}")

    def business_services(self) -> pd.DataFrame | Missing:
        """``business_id, service``: which services each business relies on, from the run's
        ``business_services`` input (CSV, JSON Lines or Parquet; a file or a folder of parts)."""
        path = self._input_path("business_services")
        if path is None or not path.exists():
            return Missing("The run had no business_services input, so businesses cannot be "
                           "filtered by service.")
        files = [path] if path.is_file() else sorted(
            p for p in path.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))
        if not files:
            return Missing(f"business_services ({path}) holds no files.")
        declared = ((self.manifest().get("inputs") or {}).get("business_services") or {}).get("format")
        suffix = declared or files[0].name.rsplit(".", 1)[-1].lower()
        fmt = {"csv": "csv", "jsonl": "json", "json": "json", "parquet": "parquet"}.get(suffix)
        if fmt is None:
            return Missing(f"business_services ({path}) is in a format the dashboard does not read.")
        if fmt == "csv":  # rows the job rejected for their shape are skipped here too
            fmt = ds.CsvFileFormat(
                parse_options=pacsv.ParseOptions(invalid_row_handler=lambda row: "skip"),
                convert_options=pacsv.ConvertOptions(column_types={
                    "business_id": pa.string(), "service": pa.string()}))
        try:
            table = ds.dataset([str(f) for f in files], format=fmt).to_table()
        except (OSError, pa.ArrowInvalid) as e:
            return Missing(f"business_services ({path}) cannot be read: {e}")
        cols = {c.lower(): c for c in table.column_names}
        if "business_id" not in cols or "service" not in cols:
            return Missing(f"business_services ({path}) lacks business_id or service.")
        frame = pd.DataFrame({"business_id": table.column(cols["business_id"]).to_pylist(),
                              "service": table.column(cols["service"]).to_pylist()})
        frame = frame.dropna().astype(str)
        frame["business_id"] = frame["business_id"].str.strip()
        frame["service"] = frame["service"].str.strip()
        return frame.drop_duplicates()
