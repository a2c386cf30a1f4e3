package com.outageimpact.common;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Small intermediate tables (one row per stream, business, series or bucket, never per
 * transaction) computed once and then read by several queries.
 *
 * <p>Such a table is kept as a local checkpoint rather than a cache: a cached table still carries
 * the whole plan it came from, and each later query analyses, optimises and describes that plan
 * again. The impact stage's tables stack on each other, so their plans reached megabytes of text
 * (on the sample, 2 to 3 MB per query description, and an OutOfMemoryError in a 4 GB heap with
 * {@code spark.sql.ui.explainMode=simple}); the driver spent most of a small run on them while
 * the executors waited. A checkpoint is a leaf: its rows, its partitioning, nothing else.
 *
 * <p>Not for tables that grow with the transactions: a checkpoint keeps rows as objects, where the
 * columnar cache compresses them.
 */
public final class SmallTables {

  private SmallTables() {}

  /** Computes the table now and returns it as a leaf over its stored rows (memory, then disk). */
  public static Dataset<Row> materialize(Dataset<Row> table) {
    return table.localCheckpoint(true, StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Frees a table's stored rows once nothing will read it again. A table that {@link #materialize}
   * did not make is unpersisted instead (harmless when it was never cached).
   */
  public static void release(Dataset<Row> table) {
    LogicalPlan plan = ((org.apache.spark.sql.classic.Dataset<Row>) table).logicalPlan();
    if (plan instanceof LogicalRDD stored) {
      stored.rdd().unpersist(false);
    } else {
      table.unpersist();
    }
  }
}
