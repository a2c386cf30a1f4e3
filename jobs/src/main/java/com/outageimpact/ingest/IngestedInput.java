package com.outageimpact.ingest;

import com.outageimpact.common.PlanLeaves;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One input after ingestion: its accepted rows (typed contract columns, one row per key, plus any
 * derived columns) and its counts. The rows are a lazy Dataset over what ingestion kept in
 * Spark's cache ({@code kept}, empty when nothing was); nothing that grows with the data is held
 * on the driver.
 */
public record IngestedInput(Dataset<Row> accepted, InputCounts counts, List<Dataset<Row>> kept) {

  /** Rows that ingestion did not cache (built by hand, or a cache of the caller's own). */
  public IngestedInput(Dataset<Row> accepted, InputCounts counts) {
    this(accepted, counts, List.of());
  }

  /**
   * Drops what ingestion kept. The accepted rows are read again from the files if used after
   * this, so a caller releases once it has what it needs (or has cached its own copy).
   */
  public void release() {
    kept.forEach(PlanLeaves::release);
  }
}
