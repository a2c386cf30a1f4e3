"""A dashboard on a run's published Parquet outputs (see dashboard/README.md)."""
