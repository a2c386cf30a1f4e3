package com.outageimpact.common;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/**
 * The cluster's way of making a small table a plan leaf (its rows stored with their lineage),
 * exercised embedded: same rows, a plan that no longer names the table's own, and lost blocks
 * computed again rather than failing the query.
 */
class PlanLeavesTest {

  /** A table whose plan has a recognisable step (the filter's literal). */
  private static Dataset<Row> table() {
    return SparkTestSession.get().range(0, 1000).withColumn("group", col("id").mod(7))
        .filter(col("id").notEqual(424242)).groupBy("group").agg(sum("id").as("total"));
  }

  private static List<Row> sorted(Dataset<Row> rows) {
    return rows.orderBy("group").collectAsList();
  }

  private static RDD<?> storedRows(Dataset<Row> leaf) {
    return ((LogicalRDD) ((org.apache.spark.sql.classic.Dataset<Row>) leaf).logicalPlan()).rdd();
  }

  @Test
  void theStoredLeafHasTheTablesRowsAndNoneOfItsPlan() {
    Dataset<Row> leaf = PlanLeaves.storedWithLineage(table());
    try {
      assertInstanceOf(LogicalRDD.class, ((org.apache.spark.sql.classic.Dataset<Row>) leaf).logicalPlan());
      assertEquals(sorted(table()), sorted(leaf));
      String described = leaf.filter(col("total").gt(0)).queryExecution().toString();
      assertFalse(described.contains("424242"), described);
      // A cache, by contrast, describes its whole plan in every query over it.
      Dataset<Row> cached = table().persist(StorageLevel.MEMORY_AND_DISK());
      try {
        assertTrue(cached.filter(col("total").gt(0)).queryExecution().toString().contains("424242"));
      } finally {
        cached.unpersist(true);
      }
    } finally {
      PlanLeaves.release(leaf);
    }
  }

  @Test
  void lostBlocksAreComputedAgainFromTheLineage() {
    Dataset<Row> leaf = PlanLeaves.storedWithLineage(table());
    try {
      RDD<?> stored = storedRows(leaf);
      assertEquals(StorageLevel.MEMORY_AND_DISK(), stored.getStorageLevel());
      assertFalse(stored.isCheckpointed());
      // What losing the executor that held them does to the blocks.
      SparkEnv.get().blockManager().master().removeRdd(stored.id(), true);
      assertEquals(sorted(table()), sorted(leaf));
    } finally {
      PlanLeaves.release(leaf);
    }
    assertEquals(StorageLevel.NONE(), storedRows(leaf).getStorageLevel());
  }
}
