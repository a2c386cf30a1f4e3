package com.outageimpact.common;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.CachedData;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.LogicalRDD$;
import org.apache.spark.storage.StorageLevel;

/**
 * Tables computed once and read by many later queries, turned into leaves of those queries' plans.
 *
 * <p>A cached table still carries the whole plan it came from: each query over it analyses that
 * plan again, looks it up among the cached ones and describes it for the Spark UI. The impact
 * stage's tables stack on each other, so their plans reached megabytes of text (on the sample, 2 to
 * 3 MB per query description, and an OutOfMemoryError in a 4 GB heap with
 * {@code spark.sql.ui.explainMode=simple}); most of a small run was the driver doing that while
 * the executors waited. A leaf has nothing behind it but its rows.
 *
 * <ul>
 *   <li>{@link #checkpoint}: for small tables (one row per stream, business, series or bucket, never
 *       per transaction), a local checkpoint. It keeps rows as objects, so not for the big inputs.
 *       Embedded runs only: on a cluster a lost executor takes its checkpoint blocks with it, and a
 *       checkpoint has no plan left to compute them again. There the rows are stored with their
 *       lineage instead (an RDD persisted, whose lost blocks are computed again) and read through
 *       the same kind of leaf.
 *   <li>{@link #overCache}: for an input in the columnar cache (which compresses it), a plan that is
 *       just the cache.
 * </ul>
 */
public final class PlanLeaves {

  private PlanLeaves() {}

  /**
   * Computes a small table now and returns it as a leaf over its stored rows (memory, then disk).
   * Embedded, a local checkpoint; on a cluster, the rows stored with their lineage (see above).
   */
  public static Dataset<Row> checkpoint(Dataset<Row> table) {
    if (table.sparkSession().sparkContext().isLocal()) {
      return table.localCheckpoint(true, StorageLevel.MEMORY_AND_DISK());
    }
    return storedWithLineage(table);
  }

  /** The cluster's {@link #checkpoint}, callable embedded (for tests). */
  static Dataset<Row> storedWithLineage(Dataset<Row> table) {
    // The rows the table's plan computes (copied: the plan's operators reuse their row objects),
    // stored, and read through a leaf that names only them. The stored RDD keeps its lineage, so
    // a lost executor's blocks are computed again from the table's plan, as a cache's would be.
    // A cache instead (persist) would keep that plan in every later query's plan, where it is
    // described in full, nested in the plans of every cache built over it: on a cluster the plan
    // descriptions reached tens of MB per query and filled a 1 GB driver's heap.
    org.apache.spark.sql.classic.Dataset<Row> classic = (org.apache.spark.sql.classic.Dataset<Row>) table;
    RDD<InternalRow> rows = classic.queryExecution().toRdd().toJavaRDD().map(InternalRow::copy).rdd()
        .persist(StorageLevel.MEMORY_AND_DISK());
    rows.count();
    return org.apache.spark.sql.classic.Dataset.ofRows(classic.sparkSession(),
        LogicalRDD$.MODULE$.fromDataset(rows, classic, false));
  }

  /**
   * Frees a table's stored rows once nothing will read it again. A table that {@link #checkpoint}
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

  /**
   * The cached table as a leaf over its cache (the table itself when it is not cached). Unpersist
   * the table, not the leaf; a leaf read after that computes its rows again, as the table would.
   */
  public static Dataset<Row> overCache(Dataset<Row> cached) {
    org.apache.spark.sql.classic.Dataset<Row> table = (org.apache.spark.sql.classic.Dataset<Row>) cached;
    scala.Option<CachedData> data = table.sparkSession().sharedState().cacheManager().lookupCachedData(table);
    return data.isEmpty() ? cached
        : org.apache.spark.sql.classic.Dataset.ofRows(table.sparkSession(), data.get().cachedRepresentation());
  }
}
