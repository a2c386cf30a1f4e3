"""Helpers shared by the notebooks: where the outputs are, reading a table, saving a chart.

Every table of the committed run (the folder ``out/manifest.json`` names) is a Parquet dataset, partitioned Hive-style by
``incident_id=<id>/`` (and ``business_impact`` also by ``sector=<name>/``). ``read_table``
reads one with pyarrow, partition columns included, and hands back pandas.

The notebooks read only the columns declared in
``jobs/src/main/java/com/outageimpact/schema/Schemas.java``; ``test_notebooks.py`` checks every
``read_table`` call against it, so name the columns as a literal list.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

REPO_ROOT = Path(__file__).resolve().parent.parent


def resolve(path: str | os.PathLike) -> Path:
    """A path as given; a relative one is taken from the repository root (not the notebook's folder)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else REPO_ROOT / p


def committed_run(out: str | os.PathLike) -> Path:
    """The folder of the run committed in ``out``: ``out/manifest.json`` names it (``tables``,
    relative to the manifest's folder). Reading every table from the folder this returns keeps a
    notebook on one run even if another commits meanwhile. A manifest without the key (outputs of
    an earlier build, or a folder made by hand) has its tables beside it."""
    root = resolve(out)
    manifest = root / "manifest.json"
    folder = json.loads(manifest.read_text()).get("tables") if manifest.is_file() else None
    return (root / folder).resolve() if folder else root


def read_table(out: str | os.PathLike, table: str, columns: list[str]):
    """The columns of ``<table>/`` in the run committed in ``out``, as a pandas DataFrame
    (partition columns come back as strings).

    Fails, naming the folder, when the table is missing or lacks a column.
    """
    folder = committed_run(out) / table
    if not folder.is_dir():
        raise FileNotFoundError(f"no table {table!r}: {folder} is not a folder (did the job run?)")
    dataset = ds.dataset(folder, format="parquet", partitioning="hive")
    missing = [c for c in columns if c not in dataset.schema.names]
    if missing:
        raise KeyError(f"{folder} has no column(s) {missing}; it has {dataset.schema.names}")
    frame = dataset.to_table(columns=list(columns)).to_pandas()
    # Hive partition values are read as dictionary-encoded strings; plain strings are easier to use.
    for name in columns:
        if isinstance(dataset.schema.field(name).type, pa.DictionaryType):
            frame[name] = frame[name].astype(str)
    return frame


def read_manifest(out: str | os.PathLike) -> dict:
    """The committed run's manifest (``out/manifest.json`` is replaced last, in one step, by a run
    that succeeded)."""
    return json.loads((committed_run(out) / "manifest.json").read_text())


def charts_dir() -> Path | None:
    """Where charts are saved as PNG: env ``CHARTS_DIR`` (relative to the repository root), or nowhere."""
    value = os.environ.get("CHARTS_DIR")
    return resolve(value) if value else None


def save(fig, name: str) -> None:
    """Show ``fig`` in the notebook and, when CHARTS_DIR is set, save it there as ``<name>.png``."""
    folder = charts_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        fig.savefig(folder / f"{name}.png", dpi=100, bbox_inches="tight")
    try:
        from IPython.display import display
        display(fig)
    except ImportError:  # outside IPython: nothing to show it in
        pass
    import matplotlib.pyplot as plt
    plt.close(fig)
